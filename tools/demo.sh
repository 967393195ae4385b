#!/usr/bin/env bash
# Placeholder for the demo command of partner_lifecycle (README, "Run the demo").
#
# The demo (an Odoo 18 database with sample clients, orders and deliveries that
# shows the statuses moving) is not written yet. Until it is, this command says
# so and fails, so that nobody mistakes it for a working demo. The demo will use
# the helpers of tools/odoo_env.sh (finding Odoo 18, its environment, PostgreSQL,
# the template database and the addons path), like tools/check.sh does.

echo "The demo is not available yet (tools/demo.sh is a placeholder)." >&2
exit 1
