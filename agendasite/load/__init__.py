"""Turning the content folders into the model: meetings, items and their annexes, with located errors."""
