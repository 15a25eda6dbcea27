"""Signatures across implementations, against a live jixiao.

1. Keys made and used by independent implementations — SM2 by gmssl, Ed25519 and ECDSA P-256 by
   the `cryptography` package — are registered (proof of possession over the challenge), sign
   the payload `signingPayload` gives, and jixiao records and verifies the signatures.
2. Signatures made by jixiao's test signer (the Rust test writes them to
   target/tmp/signing-vectors.json) verify here.

    python interop.py BASE_URL PREPARER_TOKEN LEADER_TOKEN MEMBER_TOKEN AUDITOR_TOKEN [VECTORS]
"""

import base64
import json
import secrets
import sys
import urllib.request

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from gmssl import sm2

base, preparer, leader, member, auditor = sys.argv[1:6]
vectors = sys.argv[6] if len(sys.argv) > 6 else None
b64 = lambda b: base64.b64encode(b).decode()
failures = []


def gql(token, query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(
        f"{base}/graphql",
        data=body,
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        answer = json.load(r)
    if answer.get("errors"):
        raise SystemExit(f"interop: {answer['errors']}")
    return answer["data"]


class Gmssl:
    """SM2 with gmssl (signer identity 1234567812345678)."""

    name = "SM2"

    def __init__(self):
        self.private = secrets.token_hex(32)
        probe = sm2.CryptSM2(private_key=self.private, public_key="")
        self.public_hex = probe._kg(int(self.private, 16), probe.ecc_table["g"])
        self.crypt = sm2.CryptSM2(private_key=self.private, public_key=self.public_hex)

    def public(self):
        return b64(bytes.fromhex("04" + self.public_hex))

    def sign(self, message):
        return b64(bytes.fromhex(self.crypt.sign_with_sm3(message, secrets.token_hex(32))))


class Ed:
    name = "ED25519"

    def __init__(self):
        self.key = ed25519.Ed25519PrivateKey.generate()

    def public(self):
        return b64(self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))

    def sign(self, message):
        return b64(self.key.sign(message))


class P256:
    name = "ECDSA_P256"

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())

    def public(self):
        return b64(self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def sign(self, message):
        # DER, as cryptography gives it (jixiao takes DER or r||s).
        return b64(self.key.sign(message, ec.ECDSA(hashes.SHA256())))


def register(token, key):
    c = gql(token, "mutation { createKeyChallenge { challenge statement } }")["createKeyChallenge"]
    r = gql(token, """mutation($i: RegisterSignerKeyInput!) { registerSignerKey(input: $i) {
        key { id fingerprint } userErrors { code message } } }""", {"i": {
        "algorithm": key.name, "publicKey": key.public(), "challenge": c["challenge"],
        "proof": key.sign(c["statement"].encode()), "label": "interop"}})["registerSignerKey"]
    if r["userErrors"]:
        raise SystemExit(f"interop: registering {key.name}: {r['userErrors']}")
    return r["key"]["id"]


def sign(token, report, role, key, key_id, opinion=None):
    p = gql(token, """query($id: ID!, $role: SignatureRole!, $opinion: String) {
        signingPayload(reportId: $id, role: $role, opinion: $opinion) { payloadBase64 signedAt } }""",
            {"id": report, "role": role, "opinion": opinion})["signingPayload"]
    payload = base64.b64decode(p["payloadBase64"])
    r = gql(token, """mutation($i: SignReportInput!) { signReport(input: $i) {
        signature { scheme algorithm valid } userErrors { code message } } }""", {"i": {
        "reportId": report, "role": role, "opinion": opinion, "keyId": key_id,
        "signature": key.sign(payload), "signedAt": p["signedAt"]}})["signReport"]
    if r["userErrors"] or not r["signature"]["valid"]:
        failures.append(f"{key.name} signature as {role}: {r}")


report = gql(preparer, """mutation($i: UpsertReportInput!) { upsertReport(input: $i) { report { id } userErrors { message } } }""",
             {"i": {"externalId": "interop", "document": {
                 "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "互操作测试局",
                 "indicators": [{"category": "OUTPUT", "subcategory": "QUANTITY", "target": {"text": "≥5家"}}],
                 "evaluators": [
                     {"name": "组长", "role": "GROUP_LEADER", "subject": "py-leader"},
                     {"name": "组员", "role": "MEMBER", "subject": "py-member"}]}}})["upsertReport"]["report"]["id"]

for token, role, key, opinion in [
    (leader, "GROUP_LEADER", Gmssl(), "同意，材料齐全"),
    (member, "MEMBER", Ed(), None),
    (preparer, "PREPARER", P256(), None),
]:
    sign(token, report, role, key, register(token, key), opinion)

v = gql(auditor, """query($id: ID!) { verifyReport(id: $id) { allSignaturesValid signatures { algorithm valid } } }""",
        {"id": report})["verifyReport"]
algorithms = sorted(s["algorithm"] for s in v["signatures"])
if not v["allSignaturesValid"] or algorithms != ["ECDSA_P256", "ED25519", "SM2"]:
    failures.append(f"verifyReport: {v}")

checked = 0
if vectors:
    with open(vectors) as f:
        for vec in json.load(f):
            public = base64.b64decode(vec["publicKey"])
            message = base64.b64decode(vec["message"])
            signature = base64.b64decode(vec["signature"])
            try:
                if vec["algorithm"] == "ED25519":
                    ed25519.Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
                elif vec["algorithm"] == "ECDSA_P256":
                    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public).verify(
                        encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
                elif vec["algorithm"] == "SM2":
                    crypt = sm2.CryptSM2(private_key="", public_key=public.hex()[2:])
                    if not crypt.verify_with_sm3(signature.hex(), message):
                        raise ValueError("gmssl says the SM2 signature does not hold")
                checked += 1
            except Exception as e:  # noqa: BLE001 - any failure is reported
                failures.append(f"jixiao's {vec['algorithm']} signature: {e!r}")
    if checked < 3:
        failures.append(f"only {checked} of jixiao's signatures checked")

if failures:
    print("interop: " + "; ".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"interop: gmssl SM2, cryptography Ed25519 and P-256 signatures verify in jixiao; "
      f"{checked} signatures of jixiao's test signer verify in gmssl and cryptography")
_ = decode_dss_signature
