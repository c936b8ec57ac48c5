"""The window intake screen: find the item, enter the applicant, tick materials, decide."""
