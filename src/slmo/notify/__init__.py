"""Notifying people: the ``Notifier`` port over apprise (``apprise_notifier``), and a fake
that records what it is given (``memory``)."""
