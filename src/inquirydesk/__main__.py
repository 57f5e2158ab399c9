"""``python -m inquirydesk``: the same as the ``inquirydesk`` command."""

from inquirydesk.cli import main

main()
