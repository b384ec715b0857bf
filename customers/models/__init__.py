"""The customers app's models, one module per topic."""

from customers.models.access import StaffAccess
from customers.models.consents import Channel, ConsentRecord, Purpose, PurposeVersion, Suppression
from customers.models.mail import OutgoingMail
from customers.models.notifications import Notification
from customers.models.users import User, UserManager, UserQuerySet

__all__ = [
    "Channel",
    "ConsentRecord",
    "Notification",
    "OutgoingMail",
    "Purpose",
    "PurposeVersion",
    "StaffAccess",
    "Suppression",
    "User",
    "UserManager",
    "UserQuerySet",
]
