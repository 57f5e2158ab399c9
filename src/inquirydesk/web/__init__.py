"""The web desk: server-rendered pages with JSON twins over the same services.

    app = create_app(settings)      # then: uvicorn, or ``inquirydesk serve``

See docs/web.md.
"""

from inquirydesk.web.app import create_app

__all__ = ["create_app"]
