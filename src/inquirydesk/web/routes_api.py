"""The machine API: submit an inquiry (raw message or fields), list, assign."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
