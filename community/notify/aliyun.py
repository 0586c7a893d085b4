"""Alibaba Cloud SMS (阿里云短信服务, Dysmsapi 2017-05-25) as an SMS gateway, with the standard
library only: the SDK (`alibabacloud-dysmsapi20170525`) pulls in a dozen packages for one
signed GET.

Sending is the SendSms API, signed with the RPC signature version 1.0 (HMAC-SHA1 over the
sorted, percent-encoded query; `signed_query`). Aliyun only sends approved templates with
its own 【签名】 in front, so the text goes into one template variable, `${content}`
(ALIYUN_SMS_TEMPLATE_CODE), without our signature, and ALIYUN_SMS_SIGN_NAME is the
signature registered with Aliyun (议事厅).

Receiving (上行, SmsUp) is Aliyun's "HTTP批量推送": a POST of a JSON array of
{phone_number, content, send_time (Beijing), dest_code, sequence_id, sign_name}, answered
with {"code": 0, "msg": "接收成功"}; anything else than 200 is pushed again later. Aliyun
does not sign these pushes, so the callback URL carries the gateway's own key:
`?token=` hex HMAC-SHA256(SMS_INBOUND_SECRET, "aliyun") (`url_token`), compared in constant
time; a request signed the app's own way (a relay in front, `Gateway.authentic`) is taken
too. `sequence_id` is the provider id a repeated push is recognised by.
"""

import base64
import hashlib
import hmac
import json
import urllib.request
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from flask import current_app, jsonify

from .. import clock
from .sms import SIGNATURE, Gateway, Incoming, incoming

ENDPOINT = "https://dysmsapi.aliyuncs.com/"
TIMEOUT = 10  # seconds; a slow gateway is tried again by sms-deliver's backoff


class AliyunError(Exception):
    """SendSms answered with a Code other than OK."""


def _pe(value: str) -> str:
    """Percent-encoding as Aliyun signs it (RFC 3986: space %20, * %2A, ~ kept)."""
    return quote(value, safe="~")


def signed_query(params: dict, secret: str, method: str = "GET") -> str:
    """The query string with its Signature (RPC signature version 1.0, HMAC-SHA1)."""
    canonical = "&".join(f"{_pe(k)}={_pe(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_pe('/')}&{_pe(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return f"Signature={_pe(base64.b64encode(digest).decode())}&{canonical}"


def url_token(secret: str) -> str:
    """The token of the callback URL given to Aliyun (it cannot sign its pushes)."""
    return hmac.new(secret.encode(), b"aliyun", hashlib.sha256).hexdigest()


class AliyunBackend(Gateway):
    """SMS_BACKEND = "community.notify.aliyun:AliyunBackend"."""

    name = "aliyun"

    def send(self, phone: str, text: str) -> None:
        """SendSms; raises on a transport error or any answer but Code OK."""
        config = current_app.config
        params = send_params(config, phone, text, nonce=str(uuid.uuid4()),
                             stamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        url = ENDPOINT + "?" + signed_query(params, config["ALIYUN_SMS_ACCESS_KEY_SECRET"])
        with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:  # noqa: S310 - fixed https
            answer = json.loads(resp.read().decode())
        if answer.get("Code") != "OK":
            raise AliyunError(f"{answer.get('Code')}: {answer.get('Message')}")

    def authentic(self, request, secret: str | None) -> bool:
        token = request.args.get("token", "")
        return bool(secret) and (hmac.compare_digest(token, url_token(secret))
                                 or super().authentic(request, secret))

    def parse_inbound(self, request) -> list[Incoming]:
        data = request.get_json(silent=True)
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise ValueError("not a JSON array of messages")
        return [incoming(d.get("sequence_id"), d.get("phone_number"), d.get("content"),
                         None)._replace(received_at=_beijing(d.get("send_time")))
                for d in data]

    def inbound_answer(self, stored: int):
        return jsonify(code=0, msg="接收成功")  # i18n: data (Aliyun's documented answer)


def send_params(config, phone: str, text: str, *, nonce: str, stamp: str) -> dict:
    """The SendSms parameters before signing."""
    return {
        "AccessKeyId": config["ALIYUN_SMS_ACCESS_KEY_ID"],
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": phone,
        "RegionId": "cn-hangzhou",
        "SignName": config["ALIYUN_SMS_SIGN_NAME"],
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce,
        "SignatureVersion": "1.0",
        "TemplateCode": config["ALIYUN_SMS_TEMPLATE_CODE"],
        "TemplateParam": json.dumps({"content": text.removeprefix(SIGNATURE)},
                                    ensure_ascii=False, separators=(",", ":")),
        "Timestamp": stamp,
        "Version": "2017-05-25",
    }


def _beijing(value) -> datetime:
    """send_time ("2017-09-01 00:00:00", Beijing) as naive UTC; now when missing or odd."""
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y%m%d%H%M%S"):
        try:
            return clock.from_local(datetime.strptime(str(value), fmt))
        except ValueError:
            continue
    return clock.now()
