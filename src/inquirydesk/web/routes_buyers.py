"""Buyer pages and the signed-in person's Today list, each with its JSON twin."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
