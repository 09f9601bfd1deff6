"""The sub-commands besides building: `new` (start an item or meeting) and `reference`."""
