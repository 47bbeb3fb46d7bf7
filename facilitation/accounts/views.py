"""Sign in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from marshmallow import ValidationError

from ..extensions import db
from . import services
from .schemas import LoginSchema

blueprint = Blueprint("accounts", __name__)


def _safe_next(target: str) -> str:
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("workshops.index")


@blueprint.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if request.method == "GET":
        return render_template("accounts/login.html", next=request.args.get("next", ""))
    try:
        form = LoginSchema().load(request.form.to_dict())
    except ValidationError:
        form = None
    user = form and services.authenticate(form["email"], form["password"])
    if not user:
        flash(_("Wrong e-mail address or password."), "error")
        page = render_template("accounts/login.html", next=request.form.get("next", ""))
        return page, 401
    login_user(user, remember=True)
    db.session.commit()
    return redirect(_safe_next(form["next"]))


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    return redirect(url_for("participants.home"))
