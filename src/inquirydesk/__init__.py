"""InquiryDesk: every buyer inquiry judged, explained and graded."""

__version__ = "0.1.0"
