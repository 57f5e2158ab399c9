"""Dashboards: charts of the archive, each with its JSON twin."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
