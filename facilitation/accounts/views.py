"""Sign in and out, one's own password; the admin's account management."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from ..database import unit_of_work
from ..errors import Forbidden, InvalidInput
from ..extensions import db, limiter
from ..mail import configured as mail_configured
from ..mail import message, send_later
from . import services
from .models import Role, User
from .schemas import ChangePasswordSchema, ForgotPasswordSchema, LoginSchema, NewAccountSchema

blueprint = Blueprint("accounts", __name__)

# Password guesses (sign-in, or the current password on a session left open) are slow
# to make by design (one hash each), and few are allowed; only failures count.
GUESS_LIMIT = "10/minute;50/hour"


def load_user(key: str) -> User | None:
    """Flask-Login's user loader, for HTTP requests and socket events alike."""
    return services.user_for_session(key, current_app.config["REMEMBER_COOKIE_DURATION"])


def _sign_in(user: User) -> None:
    services.begin_session(user)
    login_user(user, remember=True)


def _safe_next(target: str, user: User) -> str:
    """A path on this site, or the user's home page. Browsers drop tabs and newlines
    from URLs and read a backslash as a slash: "/\t/evil.example" would leave the site."""
    plain = target.isprintable() and not any(char.isspace() or char == "\\" for char in target)
    if plain and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.index" if user.role == Role.COORDINATOR else "workshops.index")


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(GUESS_LIMIT, methods=["POST"], deduct_when=lambda r: r.status_code == 401)
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
    _sign_in(user)
    db.session.commit()
    return redirect(_safe_next(form["next"], user))


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():  # type: ignore[no-untyped-def]
    """Sign out here and in every other browser of the account (remember-me included)."""
    with unit_of_work():
        services.end_sessions(current_user)
    logout_user()
    return redirect(url_for("participants.home"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(GUESS_LIMIT, methods=["POST"], deduct_when=lambda r: r.status_code == 422)
def password():  # type: ignore[no-untyped-def]
    """Change one's password: every other browser is signed out, this one stays in."""
    if request.method == "GET":
        return render_template("accounts/password.html")
    fields = ("current_password", "new_password", "new_password_again")
    form = ChangePasswordSchema().load({key: request.form.get(key, "") for key in fields})
    user = current_user._get_current_object()
    try:
        with unit_of_work():
            services.change_password(
                user, form["current_password"], form["new_password"], form["new_password_again"]
            )
    except InvalidInput as error:
        for messages in error.details.get("fields", {}).values():
            for message in messages:
                flash(message, "error")
        return render_template("accounts/password.html"), 422
    _sign_in(user)
    flash(_("Password changed. Every other browser was signed out."), "ok")
    return redirect(url_for(".password"))


@blueprint.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(GUESS_LIMIT, methods=["POST"])
def forgot():  # type: ignore[no-untyped-def]
    """A forgotten password: a link by e-mail when SMTP is configured; otherwise the page
    says to ask an admin. The answer is the same whether an account uses the address or
    not, and so is its time: the e-mail leaves in a background task."""
    if request.method == "GET" or not mail_configured():
        return render_template("accounts/forgot.html", mail=mail_configured())
    try:
        email = ForgotPasswordSchema().load({"email": request.form.get("email", "")})["email"]
    except ValidationError:
        email = ""
    found = services.reset_link_token(email) if email else None
    db.session.rollback()  # read only
    if found:
        user, token = found
        send_later(current_app._get_current_object(), _reset_mail(user, token))  # type: ignore[attr-defined]
    sent = _(
        "If an account uses this address, a link to choose a new password is on its way. "
        "It works once, within an hour."
    )
    flash(sent, "ok")
    return redirect(url_for(".login"))


def _reset_mail(user: User, token: str):  # type: ignore[no-untyped-def]
    from ..workshops.views import public_url

    link = public_url(url_for(".reset", token=token))
    body = _(
        "Hello,\n\nSomeone, probably you, asked for a new Fabrique password for %(email)s. "
        "Choose it here (the link works once, within an hour):\n\n%(link)s\n\n"
        "If you did not ask for it, ignore this message: your password stays as it is.",
        email=user.email,
        link=link,
    )
    return message([user.email], _("Fabrique: choose a new password"), body)


@blueprint.route("/password-reset/<token>", methods=["GET", "POST"])
def reset(token: str):  # type: ignore[no-untyped-def]
    """The page a reset link opens: a new password, typed twice; the link works once."""
    if services.user_for_reset(token) is None:
        db.session.rollback()
        return render_template("accounts/reset.html", valid=False), 400
    if request.method == "GET":
        return render_template("accounts/reset.html", valid=True)
    fields = ("new_password", "new_password_again")
    form = {key: request.form.get(key, "")[:1000] for key in fields}
    db.session.rollback()  # the check read outside the write's transaction: it reads again
    try:
        with unit_of_work():
            services.reset_by_link(token, form["new_password"], form["new_password_again"])
    except InvalidInput as error:
        for messages in error.details.get("fields", {}).values():
            for text in messages:
                flash(text, "error")
        return render_template("accounts/reset.html", valid=True), 422
    flash(_("Password changed. Sign in with it."), "ok")
    return redirect(url_for(".login"))


def _require_admin() -> None:
    if current_user.role != Role.ADMIN:
        raise Forbidden()


@blueprint.get("/accounts/")
@login_required
def manage() -> str:
    """Admins see every staff account and create new ones."""
    _require_admin()
    return render_template("accounts/manage.html", users=services.all_users(), roles=list(Role))


@blueprint.post("/accounts/")
@login_required
def create() -> Response:
    _require_admin()
    form = NewAccountSchema().load(
        {key: request.form.get(key, "") for key in ("email", "name", "role", "password")}
    )
    with unit_of_work():
        user = services.create_user(form["email"], form["name"], form["password"], form["role"])
    flash(_("Account created for %(email)s.", email=user.email), "ok")
    return redirect(url_for(".manage"))


@blueprint.post("/accounts/<id:user_id>/active")
@login_required
def set_active(user_id: int) -> Response:
    _require_admin()
    with unit_of_work():
        services.set_active(current_user, user_id, request.form.get("active") == "1")
    return redirect(url_for(".manage"))
