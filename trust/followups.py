"""Follow-ups: opened when an account falls, updated by a second trigger, closed on recovery.

Two doors with one rule set: :func:`followups_apply` for one account (a
booking), :func:`followups_apply_set` for a whole chunk of accounts in SQL
(the recompute, "recompute now", the inactivity run). Both run under the
accounts' row locks, so a customer never gets two open follow-ups for one
reason.

- the **alarm rule fired** (it was off, now it is on): reason "alarm";
- otherwise the account **dropped** into "at risk" or "critical" (or from
  "at risk" to "critical"): reason "band";
- an open follow-up for the same reason is updated instead (count,
  band, an earlier due date), never duplicated;
- the account **recovered** (back to healthy or watch from at risk or
  critical): its open alarm and band follow-ups close themselves with the
  outcome "recovered". Follow-ups staff scheduled stay open.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import User
from plumbing.jobs import job_enqueue
from plumbing.roles import SUPPORT_AGENT
from trust.accounts import AccountChange, BookingRefused
from trust.announcements import followup_created_announce, followups_created_announce_set
from trust.models import Account, Band, FollowUp, TrustSettings
from trust.worktables import worktable_ready

AUTOMATIC = (FollowUp.Reason.BAND, FollowUp.Reason.ALARM)
ANALYZE_AFTER = 1000  # follow-ups opened by one chunk


def support_agents() -> list[int]:
    """Active support agents' ids, in a stable order (the round-robin's circle)."""
    return list(
        User.objects.filter(is_active=True, is_staff=True, groups__name=SUPPORT_AGENT)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def _agents_for(count: int, settings: TrustSettings) -> tuple[list[int], int]:
    """Return the circle of agents and where the next ``count`` assignments start in it."""
    agents = support_agents() if settings.assign_round_robin else []
    if not agents or count == 0:
        return agents, 0
    TrustSettings.objects.filter(pk=1).update(follow_up_cursor=F("follow_up_cursor") + count)
    end = TrustSettings.objects.filter(pk=1).values_list("follow_up_cursor", flat=True).get()
    return agents, end - count


def _silent(account: Account, settings: TrustSettings, now: datetime) -> bool:
    return account.last_touch_at is None or account.last_touch_at < now - timedelta(
        days=settings.inactivity_days
    )


def _action(reason: str, band: str, silent: bool) -> FollowUp.Action:
    if reason == FollowUp.Reason.ALARM:
        return FollowUp.Action.APOLOGISE
    if band == Band.CRITICAL:
        return FollowUp.Action.CALL_TODAY
    if silent:
        return FollowUp.Action.RE_ENGAGE
    return FollowUp.Action.REACH_OUT


def _due(band: str, settings: TrustSettings, now: datetime) -> datetime:
    return now + (timedelta(days=1) if band == Band.CRITICAL else timedelta(days=settings.follow_up_due_days))


def _mail_later(follow_up: FollowUp, settings: TrustSettings, now: datetime) -> None:
    from trust.care_mail import quiet_hours_end

    job_enqueue(
        task="trust.send_follow_up_mail",
        args=[follow_up.pk],
        key=f"trust.follow-up-mail:{follow_up.pk}",
        run_after=quiet_hours_end(settings, now, follow_up.customer.zone),
    )


def followup_open(
    *,
    account: Account,
    reason: str,
    settings: TrustSettings,
    now: datetime,
) -> tuple[FollowUp, bool]:
    """Open a follow-up for a locked account, or update the open one for the same reason."""
    band = account.band
    action = _action(reason, band, _silent(account, settings, now))
    due = _due(band, settings, now)
    current = FollowUp.objects.filter(
        customer_id=account.pk, reason=reason, status=FollowUp.Status.OPEN
    ).first()
    if current is not None:
        current.triggers += 1
        current.band = band
        current.suggested_action = action
        current.due_at = min(current.due_at, due)
        current.updated_at = now
        current.save(update_fields=["triggers", "band", "suggested_action", "due_at", "updated_at"])
        return current, False
    agents, start = _agents_for(1, settings)
    follow_up = FollowUp.objects.create(
        customer_id=account.pk,
        reason=reason,
        band=band,
        suggested_action=action,
        due_at=due,
        assigned_to_id=agents[start % len(agents)] if agents else None,
        opened_at=now,
        updated_at=now,
    )
    _mail_later(follow_up, settings, now)
    followup_created_announce(follow_up=follow_up)
    return follow_up, True


def followups_close_recovered(*, customer_ids: list[int], now: datetime) -> int:
    """Close the open automatic follow-ups of accounts that recovered."""
    return FollowUp.objects.filter(
        customer_id__in=customer_ids, reason__in=AUTOMATIC, status=FollowUp.Status.OPEN
    ).update(
        status=FollowUp.Status.CLOSED,
        outcome=FollowUp.Outcome.RECOVERED,
        closed_at=now,
        updated_at=now,
    )


def followups_apply(
    *, change: AccountChange, account: Account, settings: TrustSettings, now: datetime | None = None
) -> FollowUp | None:
    """Apply the rules to one refreshed, locked account; return the follow-up opened or updated."""
    now = now or timezone.now()
    if change.recovered:
        followups_close_recovered(customer_ids=[account.pk], now=now)
        return None
    if change.alarm_fired:
        return followup_open(account=account, reason=FollowUp.Reason.ALARM, settings=settings, now=now)[0]
    if change.dropped:
        return followup_open(account=account, reason=FollowUp.Reason.BAND, settings=settings, now=now)[0]
    return None


def _open_manual(customer: User) -> FollowUp | None:
    return (
        FollowUp.objects.select_for_update()
        .filter(customer=customer, reason=FollowUp.Reason.MANUAL, status=FollowUp.Status.OPEN)
        .first()
    )


def _schedule_again(
    current: FollowUp, *, due_at: datetime, note: str, assigned_to: User | None, now: datetime
) -> FollowUp:
    current.due_at = due_at
    current.note = "\n".join(part for part in (current.note, note) if part)
    current.triggers += 1
    current.updated_at = now
    if assigned_to is not None:
        current.assigned_to = assigned_to
    current.save(update_fields=["due_at", "note", "triggers", "updated_at", "assigned_to"])
    return current


def followup_schedule(
    *,
    customer: User,
    due_at: datetime,
    note: str,
    actor: User,
    assigned_to: User | None = None,
) -> FollowUp:
    """Schedule a follow-up by hand (staff): it never closes by itself and sends no automatic mail.

    A customer has at most one open manual follow-up (a constraint): scheduling again adds
    to it, also when two schedules arrive at once. A new one goes to ``assigned_to``, else
    to the actor if they may take follow-ups, else to nobody.
    """
    if customer.is_staff:
        raise BookingRefused(_("Staff members have no trust account."), code="staff")
    followup_assignee_check(assigned_to=assigned_to)
    now = timezone.now()
    with transaction.atomic():  # the follow-up and its event together
        current = _open_manual(customer)
        if current is not None:
            return _schedule_again(current, due_at=due_at, note=note, assigned_to=assigned_to, now=now)
        account = Account.objects.filter(pk=customer.pk).first()
        try:
            with transaction.atomic():
                follow_up = FollowUp.objects.create(
                    customer=customer,
                    reason=FollowUp.Reason.MANUAL,
                    band=account.band if account else Band.HEALTHY,
                    suggested_action=FollowUp.Action.AS_NOTED,
                    due_at=due_at,
                    assigned_to=assigned_to or (actor if _takes_follow_ups(actor) else None),
                    note=note,
                    created_by=actor,
                    mail_state=FollowUp.MailState.NONE,
                    opened_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # A schedule at the same moment opened it first (trust_followup_one_open_per_reason):
            # add to that one, as if this one had come second.
            current = _open_manual(customer)
            if current is None:
                raise
            return _schedule_again(current, due_at=due_at, note=note, assigned_to=assigned_to, now=now)
        followup_created_announce(follow_up=follow_up)
        return follow_up


def _takes_follow_ups(user: User) -> bool:
    """Support agents take follow-ups (the round-robin's circle, "assign to me"); superusers may."""
    return user.is_superuser or user.pk in support_agents()


def followup_assignee_check(*, assigned_to: User | None) -> None:
    """Refuse an assignee who is not a support agent (or a superuser); nobody is fine."""
    if assigned_to is not None and not _takes_follow_ups(assigned_to):
        raise BookingRefused(_("Follow-ups go to support agents."), code="assignee")


def followup_update(*, follow_up: FollowUp, assigned_to: User | None, due_at: datetime) -> FollowUp:
    """Reassign an open follow-up or move its due date (an agent's edit)."""
    followup_assignee_check(assigned_to=assigned_to)
    FollowUp.objects.filter(pk=follow_up.pk, status=FollowUp.Status.OPEN).update(
        assigned_to=assigned_to, due_at=due_at, updated_at=timezone.now()
    )
    follow_up.assigned_to, follow_up.due_at = assigned_to, due_at
    return follow_up


def followups_assign(*, followup_ids: list[int], assigned_to: User) -> int:
    """Assign the open ones of these follow-ups to an agent in one write; return how many."""
    followup_assignee_check(assigned_to=assigned_to)
    return FollowUp.objects.filter(pk__in=followup_ids, status=FollowUp.Status.OPEN).update(
        assigned_to=assigned_to, updated_at=timezone.now()
    )


# --- The same rules for a whole chunk, in SQL ------------------------------------------------

_RANK = "CASE {col} WHEN 'healthy' THEN 0 WHEN 'watch' THEN 1 WHEN 'at_risk' THEN 2 ELSE 3 END"


_ACTION_SQL = (
    "CASE WHEN t.reason = 'alarm' THEN 'apologise' WHEN t.band = 'critical' THEN 'call_today' "
    "WHEN t.silent = 1 THEN 're_engage' ELSE 'reach_out' END"
)
_NEW_TRIGGERS = (
    "FROM trust_tmp_triggers t WHERE NOT EXISTS (SELECT 1 FROM trust_followup f "
    "WHERE f.customer_id = t.customer_id AND f.reason = t.reason AND f.status = 'open')"
)


def followups_apply_set(*, changed_table: str, settings: TrustSettings, now: datetime) -> int:
    """Apply the rules to every account in ``changed_table``; return how many follow-ups were opened.

    ``changed_table`` (a temporary table) has customer_id, prev_band,
    prev_alarm, band and alarm for accounts that are locked by the caller.
    Recovered accounts close their follow-ups; every trigger (an alarm that
    fired, a drop into at-risk or critical) lands in ``trust_tmp_triggers``,
    refreshes the open follow-up of its reason or opens a new one.
    """
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        _close_recovered(cursor, changed_table, at)
        _triggers_collect(cursor, changed_table, settings, now)
        due_sql, due_params = _due_sql(settings, now, column="t.band")
        least = "LEAST" if connection.vendor == "postgresql" else "MIN"
        cursor.execute(
            f"UPDATE trust_followup SET triggers = triggers + 1, band = t.band, updated_at = %s, "  # noqa: S608 (fixed fragments, values are parameters)
            f"due_at = {least}(trust_followup.due_at, {due_sql}), suggested_action = {_ACTION_SQL} "
            "FROM trust_tmp_triggers t WHERE trust_followup.customer_id = t.customer_id "
            "AND trust_followup.reason = t.reason AND trust_followup.status = 'open'",
            [at, *due_params],
        )
        cursor.execute(f"SELECT COUNT(*) {_NEW_TRIGGERS}")
        count = int(cursor.fetchone()[0])
        if count:
            _open_new(cursor, count, settings, now, due_sql=due_sql, due_params=due_params)
        cursor.execute("DROP TABLE IF EXISTS trust_tmp_triggers")
    return count


def _close_recovered(cursor: Any, changed_table: str, at: Any) -> None:
    cursor.execute(
        "UPDATE trust_followup SET status = 'closed', outcome = 'recovered', closed_at = %s, "  # noqa: S608 (fixed fragments, values are parameters)
        "updated_at = %s WHERE status = 'open' AND reason IN ('band', 'alarm') AND customer_id IN "
        f"(SELECT customer_id FROM {changed_table} WHERE band IN ('healthy', 'watch') "
        "AND prev_band IN ('at_risk', 'critical'))",
        [at, at],
    )


def _triggers_collect(cursor: Any, changed_table: str, settings: TrustSettings, now: datetime) -> None:
    """Fill ``trust_tmp_triggers``: customer, reason (alarm or band), band, and whether they went silent."""
    cursor.execute("DROP TABLE IF EXISTS trust_tmp_triggers")
    silent_since = connection.ops.adapt_datetimefield_value(now - timedelta(days=settings.inactivity_days))
    alarm_fired = "c.alarm AND NOT c.prev_alarm"
    dropped = (
        f"c.band IN ('at_risk', 'critical') AND {_RANK.format(col='c.band')} > "
        f"{_RANK.format(col='c.prev_band')}"
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE trust_tmp_triggers AS "  # noqa: S608 (fixed fragments, values are parameters)
        f"SELECT c.customer_id AS customer_id, CASE WHEN {alarm_fired} THEN 'alarm' ELSE 'band' END "
        "AS reason, c.band AS band, "
        "CASE WHEN a.last_touch_at IS NULL OR a.last_touch_at < %s THEN 1 ELSE 0 END AS silent "
        f"FROM {changed_table} c JOIN trust_account a ON a.customer_id = c.customer_id "
        f"WHERE ({alarm_fired}) OR ({dropped})",
        [silent_since],
    )
    worktable_ready(cursor, "trust_tmp_triggers", "customer_id", "reason")


def _open_new(
    cursor: Any,
    count: int,
    settings: TrustSettings,
    now: datetime,
    *,
    due_sql: str,
    due_params: list[Any],
) -> None:
    """Open a follow-up for each of the ``count`` triggers without an open one, shared out to agents."""
    at = connection.ops.adapt_datetimefield_value(now)
    agents, start = _agents_for(count, settings)
    agent_sql, agent_params = _agent_sql(agents, start)
    cursor.execute(
        "INSERT INTO trust_followup (customer_id, reason, status, band, suggested_action, due_at, "  # noqa: S608 (fixed fragments, values are parameters)
        "assigned_to_id, triggers, note, outcome, mail_state, mail_key, opened_at, updated_at) "
        f"SELECT x.customer_id, x.reason, 'open', x.band, x.action, x.due_at, {agent_sql}, "
        "1, '', '', 'pending', '', %s, %s FROM (SELECT t.customer_id AS customer_id, "
        "t.reason AS reason, "
        f"t.band AS band, {_ACTION_SQL} AS action, {due_sql} AS due_at, "
        f"ROW_NUMBER() OVER (ORDER BY t.customer_id, t.reason) AS rn {_NEW_TRIGGERS}) x",
        [*agent_params, at, at, *due_params],
    )
    if count > ANALYZE_AFTER and connection.vendor == "postgresql":
        # A big batch leaves the planner's figures for this table far behind (the announcement's
        # and the next chunk's joins would think it empty): refresh them now, not at autovacuum's leisure.
        cursor.execute("ANALYZE trust_followup")
    followups_created_announce_set(opened_at=now, customer_ids_table="trust_tmp_triggers")


def _due_sql(settings: TrustSettings, now: datetime, *, column: str) -> tuple[str, list[Any]]:
    ops = connection.ops
    return (
        f"CASE WHEN {column} = 'critical' THEN %s ELSE %s END",
        [
            ops.adapt_datetimefield_value(_due(Band.CRITICAL, settings, now)),
            ops.adapt_datetimefield_value(_due(Band.AT_RISK, settings, now)),
        ],
    )


def _agent_sql(agents: list[int], start: int) -> tuple[str, list[Any]]:
    if not agents:
        return "NULL", []
    cases = " ".join("WHEN %s THEN %s" for _ in agents)
    params: list[Any] = [start, len(agents)]
    for slot, agent in enumerate(agents):
        params += [slot, agent]
    return f"CASE ((%s + x.rn - 1) %% %s) {cases} END", params
