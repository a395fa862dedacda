"""Statistical adapters over well-kept libraries (statsmodels, scipy, ruptures): demand
forecasts with daily and weekly seasonality, trend tests and step changes. They implement
ports of ``slmo.core.ports``; the use cases never import them, ``bootstrap`` wires them."""
