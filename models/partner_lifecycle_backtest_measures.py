from odoo import api, fields, models

from ..engine.backtest import Tally

#: The counts of an engine :class:`Tally`, by the field that stores each.
TALLY_FIELDS = {
    "clients": "client_count",
    "lost": "lost_count",
    "sleeping": "sleeping_count",
    "sleeping_lost": "sleeping_lost_count",
    "at_risk": "at_risk_count",
    "at_risk_lost": "at_risk_lost_count",
    "caught": "caught_count",
    "measured": "next_order_count",
    "error_days": "next_order_error_days",
    "hits": "next_order_hit_count",
    "ranged": "range_count",
    "covered": "range_hit_count",
}
#: The shares and the mean of a :class:`Tally`, by the field that stores each.
RATE_FIELDS = {
    "sleeping_precision": "sleeping_precision",
    "at_risk_precision": "at_risk_precision",
    "lost_recall": "lost_recall",
    "score": "score",
    "next_order_mae_days": "next_order_mae_days",
    "next_order_hit_rate": "next_order_hit_rate",
    "next_order_range_coverage": "next_order_range_coverage",
}


class PartnerLifecycleBacktestMeasures(models.AbstractModel):
    """The measures of a backtest (engine/backtest.py): counts summed over the clients,
    and the shares computed from them by the engine's :class:`Tally`."""

    _name = "partner.lifecycle.backtest.measures"
    _description = "Client Lifecycle Backtest Measures"

    client_count = fields.Integer(
        string="Clients", readonly=True, help="Clients with an order on or before the cutoff day."
    )
    lost_count = fields.Integer(
        string="Lost", readonly=True, help="Clients counted without an order within the horizon."
    )
    sleeping_count = fields.Integer(string="Sleeping", readonly=True)
    sleeping_lost_count = fields.Integer(string="Sleeping and Lost", readonly=True)
    at_risk_count = fields.Integer(string="At Risk", readonly=True)
    at_risk_lost_count = fields.Integer(string="At Risk and Lost", readonly=True)
    caught_count = fields.Integer(
        string="Lost Caught", readonly=True, help="Lost clients that were sleeping or at risk."
    )
    next_order_count = fields.Integer(
        string="Next Orders Measured",
        readonly=True,
        help="Clients in delivery planning on the cutoff day that ordered within the horizon.",
    )
    next_order_error_days = fields.Integer(string="Days Off in All", readonly=True)
    next_order_hit_count = fields.Integer(string="On-Time Next Orders", readonly=True)
    range_count = fields.Integer(string="Next Orders with a Range", readonly=True)
    range_hit_count = fields.Integer(string="Next Orders in Their Range", readonly=True)
    sleeping_precision = fields.Float(
        compute="_compute_rates",
        store=True,
        aggregator="avg",
        digits=(16, 3),
        help="Share of the clients sleeping on the cutoff day that were lost.",
    )
    at_risk_precision = fields.Float(
        compute="_compute_rates",
        store=True,
        aggregator="avg",
        digits=(16, 3),
        help="Share of the clients at risk on the cutoff day that were lost.",
    )
    lost_recall = fields.Float(
        string="Lost Clients Caught",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
        digits=(16, 3),
        help="Share of the lost clients that were sleeping or at risk on the cutoff day.",
    )
    score = fields.Float(
        compute="_compute_rates",
        store=True,
        aggregator="avg",
        digits=(16, 3),
        help="How well sleeping and at risk foretell lost clients, from 0 to 1: the balance "
        "(harmonic mean) of their precision and of the share of lost clients caught.",
    )
    next_order_mae_days = fields.Float(
        string="Next Order Error (Days)",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
        digits=(16, 1),
        help="Mean days between the expected next order and the first order after the cutoff day.",
    )
    next_order_hit_rate = fields.Float(
        string="Next Orders on Time",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
        digits=(16, 3),
        help="Share of the next orders measured within the tolerance of the expected day.",
    )
    next_order_range_coverage = fields.Float(
        string="Next Orders in Range",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
        digits=(16, 3),
        help="Share of the next orders measured, with a range, that fell inside it "
        "(honest near 0.8).",
    )

    @api.depends(*TALLY_FIELDS.values())
    def _compute_rates(self):
        for record in self:
            tally = record._tally()
            for prop, name in RATE_FIELDS.items():
                record[name] = getattr(tally, prop)

    def _tally(self):
        """The engine :class:`Tally` of the stored counts."""
        self.ensure_one()
        return Tally(**{key: self[name] for key, name in TALLY_FIELDS.items()})

    def _tally_values(self, tally):
        """The field values of an engine :class:`Tally`."""
        return {name: getattr(tally, key) for key, name in TALLY_FIELDS.items()}
