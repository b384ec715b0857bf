"""The customers app's models, one module per topic."""

from customers.models.access import StaffAccess
from customers.models.consents import Channel, ConsentRecord, Purpose, PurposeVersion, Suppression
from customers.models.incidents import Incident, IncidentNotice
from customers.models.mail import OutgoingMail
from customers.models.notifications import Notification
from customers.models.register import ProcessingActivity
from customers.models.requests import DataRequest
from customers.models.signals import GpcSignal
from customers.models.users import User, UserManager, UserQuerySet

__all__ = [
    "Channel",
    "ConsentRecord",
    "DataRequest",
    "GpcSignal",
    "Incident",
    "IncidentNotice",
    "Notification",
    "OutgoingMail",
    "ProcessingActivity",
    "Purpose",
    "PurposeVersion",
    "StaffAccess",
    "Suppression",
    "User",
    "UserManager",
    "UserQuerySet",
]
