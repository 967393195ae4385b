"""Demo data generator and benchmark of partner_lifecycle (not loaded by Odoo)."""
