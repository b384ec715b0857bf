"""The idea board: browse, search and sort, suggest, vote, comment."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from feedback.forms import CommentForm, IdeaForm
from feedback.ideas import Sort, comments_of, idea_comment, idea_for, idea_suggest, idea_vote, ideas_board
from feedback.models import Idea
from feedback.refusals import FeedbackRefused
from feedback.views.responses import back_url, customer_of, refused

PAGE_SIZE = 20


@login_required
def idea_list(request: HttpRequest) -> HttpResponse:
    """The board: published ideas, by trend, votes or date, optionally searched."""
    sort = request.GET.get("sort", Sort.TRENDING)
    if sort not in Sort.__members__.values():
        sort = Sort.TRENDING
    query = request.GET.get("q", "").strip()
    ideas = ideas_board(customer=customer_of(request), sort=sort, query=query)
    page = Paginator(ideas, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/idea_list.html",
        {"page": page, "sort": sort, "query": query, "sorts": [(s.value, _sort_label(s)) for s in Sort]},
    )


def _sort_label(sort: Sort) -> str:
    return {Sort.TRENDING: _("Trending"), Sort.VOTES: _("Most votes"), Sort.NEWEST: _("Newest")}[sort]


@login_required
@require_http_methods(["GET", "POST"])
def idea_new(request: HttpRequest) -> HttpResponse:
    """Suggest an idea; staff review it before it appears on the board."""
    form = IdeaForm(request.POST or None)
    if request.method != "POST":
        return render(request, "feedback/idea_new.html", {"form": form})
    if not form.is_valid():
        return render(request, "feedback/idea_new.html", {"form": form}, status=HTTPStatus.BAD_REQUEST)
    try:
        idea = idea_suggest(
            author=customer_of(request),
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
    except FeedbackRefused as refusal:
        return refused(request, refusal, template="feedback/idea_new.html", context={"form": form})
    messages.success(request, _("Thank you! We will look at your idea and publish it on the board."))
    return redirect("feedback:idea_detail", pk=idea.pk)


def _visible_idea(request: HttpRequest, pk: int) -> Idea:
    idea = idea_for(idea_id=pk, customer=customer_of(request))
    if idea is None:
        raise Http404
    return idea


def _detail(
    request: HttpRequest, idea: Idea, form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    context = {"idea": idea, "comments": comments_of(idea=idea), "form": form or CommentForm()}
    return render(request, "feedback/idea_detail.html", context, status=status)


@login_required
def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One idea with its status, the public response, votes and comments."""
    idea = _visible_idea(request, pk)
    if idea.merged_into is not None and idea.merged_into.visible:
        return redirect("feedback:idea_detail", pk=idea.merged_into.pk)
    return _detail(request, idea)


@login_required
@require_POST
def idea_vote_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Vote for an idea, or take the vote back (``action`` = ``vote`` or ``unvote``)."""
    action = request.POST.get("action")
    if action not in ("vote", "unvote"):
        return refused(request, FeedbackRefused(_("Please use the vote button.")))
    try:
        idea = idea_vote(idea_id=pk, customer=customer_of(request), vote=action == "vote")
    except FeedbackRefused as refusal:
        if refusal.status == HTTPStatus.NOT_FOUND:
            raise Http404 from refusal
        return refused(request, refusal)
    messages.success(
        request, _("Your vote was counted.") if action == "vote" else _("Your vote was taken back.")
    )
    return redirect(back_url(request, reverse("feedback:idea_detail", args=[idea.pk])))


@login_required
@require_POST
def idea_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Comment on a published idea."""
    idea = _visible_idea(request, pk)
    if not idea.visible:
        raise Http404
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _detail(request, idea, form, status=HTTPStatus.BAD_REQUEST)
    try:
        comment = idea_comment(idea_id=idea.pk, author=customer_of(request), text=form.cleaned_data["text"])
    except FeedbackRefused as refusal:
        messages.error(request, refusal.message)
        return _detail(request, idea, form, status=refusal.status)
    messages.success(request, _("Your comment was added."))
    return redirect(reverse("feedback:idea_detail", args=[idea.pk]) + f"#comment-{comment.pk}")
