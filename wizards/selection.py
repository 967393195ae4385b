"""Which partners a wizard opened from the Actions menu works on."""


def selected_partners(env):
    """The partners selected in the list the wizard was opened from.

    The web client sends at most ``web.active_ids_limit`` ids; when the user
    selected every record of the list, the selection reaches that limit and
    the list's ``active_domain`` gives the complete set.
    """
    partners = env["res.partner"]
    context = env.context
    if context.get("active_model") != "res.partner":
        return partners
    ids = context.get("active_ids") or []
    domain = context.get("active_domain")
    limit = int(env["ir.config_parameter"].sudo().get_param("web.active_ids_limit", 20000))
    if domain is not None and len(ids) >= limit:
        return partners.search(domain)
    return partners.browse(ids).exists()
