"""PIN hashes keyed with a pepper kept outside the database; older hashes upgraded at the
next correct PIN; a rotated pepper still accepted."""

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from community.auth import service as auth
from community.extensions import db
from community.residents.pins import check_pin, hash_pin, needs_rehash
from tests.factories import make_resident


def test_the_stored_hash_is_keyed_with_the_pepper(app):
    with app.app_context():
        stored = hash_pin("246810")
        assert stored.startswith("p:") and check_pin(stored, "246810")
        assert not check_pin(stored, "246811")
        inner = stored.partition("$")[2]
        # The database alone is not enough: the PIN itself does not match what is stored.
        assert not check_password_hash(inner, "246810")
        app.config["PIN_PEPPER"] = "another-pepper"
        assert not check_pin(stored, "246810")


def test_a_rotated_pepper_still_checks_and_is_replaced_at_login(app):
    with app.app_context():
        r = make_resident(phone="13900000001", pin="246810")
        old_hash = r.pin_hash
        app.config.update(PIN_PEPPER_OLD=app.config["PIN_PEPPER"], PIN_PEPPER="new-pepper")
        assert check_pin(old_hash, "246810") and needs_rehash(old_hash)
        assert auth.authenticate("13900000001", "246810") == r
        db.session.refresh(r)
        assert r.pin_hash != old_hash and not needs_rehash(r.pin_hash)
        app.config["PIN_PEPPER_OLD"] = None
        assert check_pin(r.pin_hash, "246810") and not check_pin(old_hash, "246810")


@pytest.mark.parametrize("correct", [True, False])
def test_a_hash_from_before_the_pepper_is_upgraded_only_by_the_right_pin(app, correct):
    with app.app_context():
        r = make_resident(phone="13900000001", pin="246810")
        r.pin_hash = generate_password_hash("246810", method="pbkdf2:sha256:1000")
        db.session.commit()
        legacy = r.pin_hash
        if correct:
            assert auth.authenticate("13900000001", "246810") == r
        else:
            with pytest.raises(auth.LoginFailed):
                auth.authenticate("13900000001", "135791")
        db.session.refresh(r)
        assert (r.pin_hash != legacy) is correct
        assert check_pin(r.pin_hash, "246810")


def test_production_without_a_pepper_makes_one_in_the_instance_folder(tmp_path, monkeypatch):
    from community import create_app
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PIN_PEPPER", raising=False)
    folder = tmp_path / "instance"
    first = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
                       instance_path=str(folder))
    again = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
                       instance_path=str(folder))
    assert first.config["PIN_PEPPER"] == again.config["PIN_PEPPER"]
    assert (folder / "pin_pepper").stat().st_mode & 0o077 == 0


def test_several_hosts_must_set_the_pepper(tmp_path, monkeypatch):
    from community import create_app
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("PIN_PEPPER", raising=False)
    with pytest.raises(RuntimeError, match="PIN_PEPPER"):
        create_app({"SECRET_KEY": "x"}, instance_path=str(tmp_path / "instance"))
