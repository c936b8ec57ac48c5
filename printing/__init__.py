"""Documents on paper: a DocumentSnapshot (app/documents.py) in, PDF bytes out (reportlab).

Imports app's data types only; the UI previews and prints what this returns."""

from printing.certificates import CertificateType, certificate_form, certificate_type_for_item, certificate_types
from printing.fonts import missing_glyphs
from printing.render import RenderedDocument, render_calibration, render_document
from printing.samples import sample_snapshot

__all__ = ["CertificateType", "RenderedDocument", "certificate_form", "certificate_type_for_item", "certificate_types", "missing_glyphs",
           "render_calibration", "render_document", "sample_snapshot"]
