"""Signals other apps may listen to. Completions are written in bulk (a register, an
import), which sends no ``post_save``: ``completions_changed`` says so once the change has
committed (adoption clears its cached figures on it)."""

from django.dispatch import Signal

completions_changed = Signal()
