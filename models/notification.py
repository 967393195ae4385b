"""The short confirmation a person sees after an act: Odoo's ``display_notification``."""


def notification(message, kind="success", title=None, next_action=None):
    """A ``display_notification`` client action showing ``message`` (translated by the
    caller) as a ``kind`` (``success``, ``info``, ``warning``) notification that fades
    out, then running ``next_action`` (by default: close the wizard, or reload the form
    the button was on)."""
    params = {
        "type": kind,
        "message": message,
        "sticky": False,
        "next": next_action or {"type": "ir.actions.act_window_close"},
    }
    if title:
        params["title"] = title
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
