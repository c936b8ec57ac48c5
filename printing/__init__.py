"""Documents as data → PDF (DESIGN.md §5): one module per document kind, built from a
snapshot of the case. Imports app/, never ui/.

Empty until the printing issue: decisions already store in their timeline detail every
fact the notices will print (materials, supplementation list, reason, agency, remedy).
"""
