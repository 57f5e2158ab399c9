"""The plan stage: what to answer each buyer, in which words, and when to write or call.

    strategy.plan      Analysis → ReplyPlan (strategy, reason, points to answer, questions)
    drafts.draft       ReplyPlan → Draft (editable Jinja2 templates, bilingual)
    calendar           the buyer's working hours, weekends and holidays
    cadence.schedule   events → the next reply, follow-up mail or call
    today.today        tracked inquiries → the day's task list
    summary            daily, weekly, monthly summaries as text, HTML and Excel

Everything here is a pure function of its arguments, except that drafts read template
files and summaries write a workbook where asked.  See ``docs/planner.md``.
"""

from inquirydesk.planner.cadence import Event, Task, projection, schedule, schedule_profile
from inquirydesk.planner.calendar import BuyerCalendar, CalendarError, calendar_for
from inquirydesk.planner.drafts import Draft, choose_signer, draft, draft_profile
from inquirydesk.planner.profile import BuyerProfile, from_analysis, from_record
from inquirydesk.planner.strategy import STRATEGIES, Point, ReplyPlan, plan, plan_profile
from inquirydesk.planner.summary import (Summary, summarize, summary_html, summary_text,
                                         summary_xlsx)
from inquirydesk.planner.today import TodayTask, Tracked, today

__all__ = [
    "STRATEGIES", "BuyerCalendar", "BuyerProfile", "CalendarError", "Draft", "Event", "Point",
    "ReplyPlan", "Summary", "Task", "TodayTask", "Tracked", "calendar_for", "choose_signer",
    "draft", "draft_profile", "from_analysis", "from_record", "plan", "plan_profile",
    "projection", "schedule", "schedule_profile", "summarize", "summary_html", "summary_text",
    "summary_xlsx", "today",
]
