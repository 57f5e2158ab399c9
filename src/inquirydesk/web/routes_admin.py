"""The rules page (try a change before saving) and settings (seller, catalog, mailboxes, users)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
