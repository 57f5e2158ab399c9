"""The rules page and the settings: use cases behind ``routes_admin`` (pattern: ``services``).

Rules (``rules``): the effective rulebook listed; a change (user-rulebook YAML) tried on one
stored inquiry before it is saved, and saved only when it loads and its examples pass.
Settings: the seller profile (``seller``), its catalog imported from an Excel sheet
(``catalog``), the IMAP mailboxes of the settings file (``mailboxes``), and the desk's
users (``users``).

Every file written here (user rulebook, seller.yaml, settings file) goes through
``files.write_checked``: written whole to a temporary file, checked by the same loader the
app uses, the old one kept as ``.bak``, and only then put in place, so a mistake never
leaves a half-written or unloadable file.

This module re-exports what the routes call as ``admin.<name>``.
"""

from inquirydesk.web.admin.catalog import (
    MAX_SHEET,
    Sheet,
    apply_catalog,
    items_from_json,
    preview_catalog,
    read_sheet,
)
from inquirydesk.web.admin.mailboxes import (
    mailboxes_view,
    remove_mailbox,
    save_mailbox,
    settings_file,
)
from inquirydesk.web.admin.rules import (
    Refused,
    RulesView,
    SavedRules,
    rules_view,
    save_change,
    try_change,
)
from inquirydesk.web.admin.seller import SELLER_FIELDS, save_seller, seller_target, seller_view
from inquirydesk.web.admin.users import (
    add_user,
    change_user,
    make_token,
    reset_password,
    revoke_token,
    set_disabled,
    sign_out_everywhere,
    users_view,
)

__all__ = [
    "MAX_SHEET",
    "SELLER_FIELDS",
    "Refused",
    "RulesView",
    "SavedRules",
    "Sheet",
    "add_user",
    "apply_catalog",
    "change_user",
    "items_from_json",
    "mailboxes_view",
    "make_token",
    "preview_catalog",
    "read_sheet",
    "remove_mailbox",
    "reset_password",
    "revoke_token",
    "rules_view",
    "save_change",
    "save_mailbox",
    "save_seller",
    "seller_target",
    "seller_view",
    "set_disabled",
    "settings_file",
    "sign_out_everywhere",
    "try_change",
    "users_view",
]
