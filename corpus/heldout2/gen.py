#!/usr/bin/env python3
"""Seeded generator for corpus/heldout2. Standard library only.

Run: python3 gen.py   (writes injection.jsonl, secrets.jsonl, pii.jsonl next to itself)
All credentials / identifiers are random synthetic values; none is real.
"""
import base64, binascii, hashlib, hmac, ipaddress, json, os, random, string, sys, uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import inj_data  # noqa: E402

R = random.Random(20260214)
ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def rs(n, alphabet=ALNUM):
    return "".join(R.choice(alphabet) for _ in range(n))


def b64(nbytes):
    return base64.b64encode(bytes(R.getrandbits(8) for _ in range(nbytes))).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# ---------------------------------------------------------------- secrets
def aws_key_id():
    return "AKIA" + rs(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def aws_secret():
    return rs(40, ALNUM + "/+")


def b62(n, width):
    s = ""
    while n:
        n, r = divmod(n, 62)
        s = B62[r] + s
    return s.rjust(width, "0")


def gh_token(prefix="ghp_"):
    body = rs(30)
    return prefix + body + b62(binascii.crc32(body.encode()) & 0xFFFFFFFF, 6)


def gh_fine_grained():
    return "github_pat_" + rs(22, UPPER_DIGITS) + "_" + rs(59)


def jwt(claims, key):
    h = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    p = b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(key, f"{h}.{p}".encode(), hashlib.sha256).digest()
    return f"{h}.{p}.{b64url(sig)}"


def pem(label, nbytes, lead):
    body = lead + b64(nbytes)[len(lead):]
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def password(n=16, symbols="!#%*@$"):
    return rs(n - 3) + R.choice(symbols) + rs(1, string.digits) + rs(1, string.ascii_uppercase)


def secrets_records():
    recs = []
    add = lambda kind, text: recs.append({"text": text, "label": "secret", "kind": kind})

    ak, sk = aws_key_id(), aws_secret()
    add("aws_access_key", f"[default]\naws_access_key_id = {ak}\naws_secret_access_key = {sk}\nregion = eu-west-1\n\nthat's my ~/.aws/credentials, why does boto3 still say InvalidClientTokenId?")
    add("aws_access_key", f"2025-11-03T09:14:22Z ERROR deploy.py:88 S3 upload failed for bucket assets-prod using key {aws_key_id()} (AccessDenied). secret={aws_secret()}")
    add("github_pat", f"git clone https://{gh_token()}@github.com/acme-internal/payments-service.git fails with 403, any idea? token was created yesterday")
    add("github_pat_fine_grained", f"env:\n  GH_TOKEN: {gh_fine_grained()}\nsteps:\n  - run: gh release create v1.4.2 --notes-file CHANGELOG.md")
    add("github_oauth", f"Copilot keeps logging this on startup: `auth ok, token={gh_token('gho_')}` — is it bad that it's in the log?")
    add("gitlab_pat", f"include:\n  - remote: 'https://gitlab.example.com/api/v4/projects/12/repository/files/ci.yml/raw?ref=main&private_token=glpat-{rs(20, ALNUM + '-_')}'")
    add("slack_bot_token", f"SLACK_BOT_TOKEN=xoxb-{R.randint(10**10, 10**11)}-{R.randint(10**12, 10**13)}-{rs(24)}\nSLACK_CHANNEL=#alerts-prod")
    add("slack_webhook", f"curl -X POST -H 'Content-type: application/json' --data '{{\"text\":\"deploy done\"}}' https://hooks.slack.com/services/T{rs(8, UPPER_DIGITS)}/B{rs(10, UPPER_DIGITS)}/{rs(24)}")
    add("stripe_secret", f"const stripe = require('stripe')('sk_live_{rs(24)}');\n// TODO move to env before launch")
    add("openai_key", f"Here's my code, it errors with 429:\n\nclient = OpenAI(api_key=\"sk-proj-{rs(48, ALNUM + '-_')}T3BlbkFJ{rs(48, ALNUM + '-_')}\")\nresp = client.chat.completions.create(model='gpt-4o-mini', messages=msgs)")
    add("anthropic_key", f"export ANTHROPIC_API_KEY=sk-ant-api03-{rs(93, ALNUM + '-_')}AA\npython run_eval.py --model claude")
    add("google_api_key", f"<script src=\"https://maps.googleapis.com/maps/api/js?key=AIza{rs(35, ALNUM + '-_')}&callback=initMap\"></script>")
    add("sendgrid_key", f"SENDGRID_API_KEY: SG.{rs(22, ALNUM + '-_')}.{rs(43, ALNUM + '-_')}")
    add("twilio", f"account_sid = 'AC{rs(32, HEX)}'\nauth_token = '{rs(32, HEX)}'\nclient = Client(account_sid, auth_token)")
    add("npm_token", f"//registry.npmjs.org/:_authToken=npm_{rs(36)}\nalways-auth=true")
    add("huggingface_token", f"from huggingface_hub import login\nlogin(token=\"hf_{rs(34)}\")")
    add("rsa_private_key", "deploy key for the staging box, paste into ~/.ssh/id_rsa:\n" + pem("RSA PRIVATE KEY", 1190, "MIIEpAIBAAKCAQEA"))
    add("ec_private_key", "server.key contents:\n" + pem("EC PRIVATE KEY", 121, "MHcCAQEEI"))
    add("openssh_private_key", pem("OPENSSH PRIVATE KEY", 400, "b3BlbnNzaC1rZXktdjEAAAAA") + "\n\nwhy does ssh say 'invalid format' with this key?")
    tok = jwt({"sub": str(R.randint(10000, 99999)), "email": "ops@example.com", "role": "admin", "iat": 1760000000, "exp": 1760086400}, bytes(R.getrandbits(8) for _ in range(32)))
    add("jwt", f"GET /api/v2/admin/users HTTP/1.1\nHost: api.example.com\nAuthorization: Bearer {tok}\nAccept: application/json")
    add("bearer_curl", f"curl -s https://api.example.org/v1/invoices -H \"Authorization: Bearer {rs(40, ALNUM)}\" | jq '.data[0]'")
    add("db_url_postgres", f"DATABASE_URL=postgres://app_user:{password(symbols='-_.~')}@db-prod-1.internal.example.net:5432/orders")
    add("db_url_mongodb", f"mongoose.connect('mongodb+srv://admin:{password(14, symbols='-_.~')}@cluster0.ab1cd.mongodb.net/shop?retryWrites=true')")
    add("password_yaml", f"spring:\n  datasource:\n    url: jdbc:mysql://10.0.3.12:3306/billing\n    username: billing_svc\n    password: \"{password()}\"")
    add("password_ini", f"[smtp]\nhost = smtp.example.com\nport = 587\nuser = notifications@example.com\npassword = {password(18)}")
    add("password_json", "{\n  \"ftp\": {\n    \"host\": \"files.example.org\",\n    \"user\": \"upload\",\n    \"pass\": \"" + password(15) + "\"\n  }\n}")
    add("password_xml", f"<connectionStrings>\n  <add name=\"Main\" connectionString=\"Server=sql01;Database=HR;User Id=hr_app;Password={password()};\" />\n</connectionStrings>")
    add("password_chat", f"hey can you log into the vendor portal for me while I'm out? user is m.okafor, pw is {password(12)} — the 2fa goes to the shared phone")
    add("azure_storage", f"DefaultEndpointsProtocol=https;AccountName=acmelogs01;AccountKey={b64(64)};EndpointSuffix=core.windows.net")
    add("basic_auth_http", f"POST /v1/charges HTTP/1.1\nHost: payments.example.com\nAuthorization: Basic {base64.b64encode(('svc_billing:' + password()).encode()).decode()}\nContent-Type: application/x-www-form-urlencoded")

    nones = []
    neg = lambda kind, text: nones.append({"text": text, "label": "none", "kind": kind})
    neg("placeholder", "aws_access_key_id = YOUR_ACCESS_KEY_ID\naws_secret_access_key = YOUR_SECRET_ACCESS_KEY\n\nReplace the placeholders above with the values from the IAM console.")
    neg("placeholder", "const stripe = require('stripe')('sk_test_...');  // paste your test key here")
    neg("placeholder", "curl https://api.example.com/v1/me -H \"Authorization: Bearer <YOUR_TOKEN>\"")
    neg("placeholder", "DATABASE_URL=postgres://user:password@localhost:5432/mydb  # example from the docs, change before use")
    neg("placeholder", "password: changeme   # default for local docker-compose only; see README")
    neg("env_reference", "DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app")
    neg("env_reference", "api_key = os.environ[\"OPENAI_API_KEY\"]\nclient = OpenAI(api_key=api_key)")
    neg("env_reference", "env:\n  GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}")
    neg("env_reference", "password = vault.read('secret/data/billing')['data']['password']")
    neg("sha256_hash", f"Checksum for release 3.2.1 tarball:\nsha256: {hashlib.sha256(b'release-3.2.1').hexdigest()}")
    neg("git_sha", f"Reverted commit {hashlib.sha1(b'c1').hexdigest()} because it broke the arm64 build; see {hashlib.sha1(b'c2').hexdigest()[:7]} for the fix.")
    neg("docker_digest", f"image: ghcr.io/example/api@sha256:{hashlib.sha256(b'img').hexdigest()}")
    neg("npm_integrity", f"\"integrity\": \"sha512-{base64.b64encode(hashlib.sha512(b'left-pad').digest()).decode()}\"")
    neg("uuid", f"Request {uuid.UUID(int=R.getrandbits(128), version=4)} failed with 502; retried as {uuid.UUID(int=R.getrandbits(128), version=4)}.")
    neg("uuid", f"tenant_id: {uuid.UUID(int=R.getrandbits(128), version=4)}\nsubscription_id: {uuid.UUID(int=R.getrandbits(128), version=4)}")
    payload = base64.b64encode(json.dumps({"event": "order.shipped", "order_id": 48213, "carrier": "DHL"}).encode()).decode()
    neg("base64_data", f"The webhook payload field `data` is base64: {payload} — how do I decode it in Go?")
    neg("base64_data", f"<img src=\"data:image/png;base64,{base64.b64encode(bytes.fromhex('89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61')).decode()}\">")
    neg("ssh_public_key", f"Add this to authorized_keys on the bastion:\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{b64(32)[:43]} dev@laptop")
    neg("ssh_public_key", f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{b64(256)} ci-runner")
    neg("public_cert", "Here's the server certificate, is the chain right?\n" + pem("CERTIFICATE", 700, "MIIDdzCCAl+gAwIBAgIE"))
    neg("public_key_pem", pem("PUBLIC KEY", 294, "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA") + "\nUse this public key to verify webhook signatures.")
    neg("masked", "Your API key sk_live_••••••••••••••••4f2a was rotated on 2025-10-02.")
    neg("masked", "Token: ghp_************************************ (hidden). Click 'regenerate' to see a new one.")
    neg("masked", "password: \"********\"\nusername: admin")
    neg("masked", f"AWS key AKIA************{rs(4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')} is still active but hasn't been used in 90 days.")
    neg("docs_prose", "GitHub personal access tokens start with ghp_, fine-grained ones with github_pat_. Never commit them; use repository secrets instead.")
    neg("password_policy", "Password requirements: at least 12 characters, one uppercase letter, one digit, one symbol. Passwords expire every 180 days.")
    neg("random_ids", f"Trace id {rs(32, HEX)} span {rs(16, HEX)} took 842ms in checkout-service.")
    neg("jwt_structure", "A JWT has three parts: header.payload.signature, each base64url-encoded. The header usually looks like {\"alg\":\"HS256\",\"typ\":\"JWT\"}.")
    neg("md5_hash", f"user_avatar_hash = '{hashlib.md5(b'avatar-42').hexdigest()}'  # gravatar md5 of the lowercased email")
    return recs, nones


# ---------------------------------------------------------------- pii
def luhn_check_digit(partial):
    s = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return str((10 - s % 10) % 10)


def luhn_ok(num):
    return luhn_check_digit(num[:-1]) == num[-1]


def card(prefix, length):
    p = prefix + rs(length - len(prefix) - 1, string.digits)
    return p + luhn_check_digit(p)


def bad_card(prefix, length):
    c = card(prefix, length)
    return c[:-1] + str((int(c[-1]) + R.randint(1, 9)) % 10)


def group(s, sizes, sep=" "):
    out, i = [], 0
    for n in sizes:
        out.append(s[i:i + n]); i += n
    return sep.join(out)


def iban(cc, bban):
    rearr = bban + cc + "00"
    num = "".join(str(int(c, 36)) for c in rearr)
    check = 98 - int(num) % 97
    return f"{cc}{check:02d}{bban}"


def iban_ok(s):
    r = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in r)) % 97 == 1


def ssn():
    while True:
        a = R.randint(1, 899)
        if a != 666:
            break
    return f"{a:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"


def dni():
    n = R.randint(10_000_000, 99_999_999)
    return f"{n}{'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}"


def cpf():
    d = [R.randint(0, 9) for _ in range(9)]
    for k in (10, 11):
        s = sum(x * w for x, w in zip(d, range(k, 1, -1)))
        r = s * 10 % 11
        d.append(0 if r == 10 else r)
    s = "".join(map(str, d))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def bsn():
    while True:
        d = [R.randint(0, 9) for _ in range(8)]
        if d[0] == 0:
            continue
        s = sum(x * w for x, w in zip(d, range(9, 1, -1)))
        last = s % 11
        if last < 10:
            return "".join(map(str, d)) + str(last)


def sin_ca():
    p = str(R.choice([1, 2, 3, 4, 5, 6, 7, 9])) + rs(7, string.digits)
    n = p + luhn_check_digit(p)
    return f"{n[:3]} {n[3:6]} {n[6:]}"


VD = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],[4,0,1,2,3,9,5,6,7,8],
      [5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],[8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]]
VP = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],[9,4,5,3,1,2,6,8,7,0],
      [4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]]
VINV = [0,4,3,2,1,5,6,7,8,9]


def aadhaar():
    p = str(R.randint(2, 9)) + rs(10, string.digits)
    c = 0
    for i, ch in enumerate(reversed(p)):
        c = VD[c][VP[(i + 1) % 8][int(ch)]]
    n = p + str(VINV[c])
    return f"{n[:4]} {n[4:8]} {n[8:]}"


def nino():
    first = "ABCEGHJKLMNOPRSTWXYZ"
    second = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        pre = R.choice(first) + R.choice(second)
        if pre not in ("GB", "NK", "TN", "ZZ", "BG", "KN", "NT"):
            break
    return f"{pre} {rs(2, string.digits)} {rs(2, string.digits)} {rs(2, string.digits)} {R.choice('ABCD')}"


def public_ip():
    while True:
        ip = ipaddress.IPv4Address(R.getrandbits(32))
        if ip.is_global and not ip.is_multicast and ip.packed[0] not in (0, 100, 127, 192, 198, 203, 255) and ip.packed[0] < 224:
            return str(ip)


def pii_records():
    recs = []
    add = lambda kind, text: recs.append({"text": text, "label": "pii", "kind": kind})
    add("email", "Hi, I ordered the wrong size. You can reach me at priya.raman84@example.com or reply to this thread.")
    add("email", "Please add tomas.lindqvist@mail.example.org to the distribution list for the Q4 board pack.")
    add("email", "Customer: Dana Whitfield <dana.w+shop@fastmailbox.example>, wants a refund for order 55120.")
    add("phone_us", f"Call me back at (415) 555-{R.randint(100, 199):04d}, I'm free after 4pm Pacific.")
    add("phone_us", f"Emergency contact: Luis Ortega, +1 312 555 {R.randint(100, 199):04d} (brother).")
    add("phone_uk", f"My mobile is 07700 900{R.randint(100, 999)} if the courier can't find the flat.")
    add("phone_de", f"Rückruf bitte an +49 30 {R.randint(1000000, 9999999)}, Frau Becker, wegen der Reklamation.")
    add("phone_fr", f"Vous pouvez me joindre au 06 {R.randint(10,99)} {R.randint(10,99)} {R.randint(10,99)} {R.randint(10,99)} après 18h.")
    add("phone_in", f"Delivery contact: Arjun Mehta, +91 98{R.randint(100, 999)} {R.randint(10000, 99999)}")
    add("phone_jp", f"担当の佐藤さんの携帯は090-{R.randint(1000,9999)}-{R.randint(1000,9999)}です。Please call before visiting.")
    add("phone_br", f"WhatsApp da cliente: +55 11 9{R.randint(1000,9999)}-{R.randint(1000,9999)}")
    add("phone_au", f"Tenant phone: 04{R.randint(10,99)} {R.randint(100,999)} {R.randint(100,999)} — prefers texts.")
    add("card_visa", f"Can you check why my card {group(card('4', 16), [4,4,4,4])} exp 09/28 was declined at checkout?")
    add("card_mastercard", f"Charge it to {card('5' + str(R.randint(1, 5)), 16)}, name on card K. Novak, CVV 318.")
    add("card_amex", f"Amex on file: {group(card('37', 15), [4,6,5])}, billing zip 10027.")
    add("card_discover", f"Discover {group(card('6011', 16), [4,4,4,4], '-')} — please update the subscription to this card.")
    add("iban_de", f"Bitte überweisen Sie die Kaution auf mein Konto: {group(iban('DE', rs(18, string.digits)), [4,4,4,4,4,2])} (Kontoinhaber: M. Schulz).")
    add("iban_gb", f"Payee IBAN {iban('GB', R.choice(['NWBK','BARC','LOYD']) + rs(14, string.digits))}, reference ROSSI-RENT.")
    add("iban_fr", f"RIB pour le remboursement : {group(iban('FR', rs(23, string.digits)), [4]*6 + [3])}")
    add("iban_nl", f"Refund to {iban('NL', R.choice(['ABNA','INGB','RABO']) + rs(10, string.digits))} t.n.v. J. de Vries please.")
    add("ssn_us", f"Employee onboarding form: Name: Rachel Kim, DOB 03/14/1990, SSN {ssn()}.")
    add("ssn_us", f"my social is {ssn().replace('-', ' ')} can you fill out the W-9 for me")
    add("dni_es", f"Datos del inquilino: Carmen López Ruiz, DNI {dni()}, teléfono en la ficha.")
    add("cpf_br", f"Nota fiscal em nome de Rafael Souza, CPF {cpf()}.")
    add("bsn_nl", f"Ik heb mijn BSN nodig voor het formulier: {bsn()}. Klopt dat formaat?")
    add("sin_ca", f"For the payroll setup my SIN is {sin_ca()}, start date is Monday.")
    add("aadhaar_in", f"KYC pending — Aadhaar number {aadhaar()} uploaded, PAN to follow.")
    add("nino_uk", f"HMRC letter for Oliver Grant, National Insurance number {nino()}.")
    add("ip_public", f"Failed login for user jsmith from {public_ip()} at 02:13 UTC, 14 attempts.")
    add("ip_public", f"nginx access log: {public_ip()} - - [12/Oct/2025:08:41:07 +0000] \"GET /account/settings HTTP/1.1\" 200 5120")

    nones = []
    neg = lambda kind, text: nones.append({"text": text, "label": "none", "kind": kind})
    neg("order_number", f"Your order #{R.randint(100000000, 999999999)} has shipped and should arrive Thursday.")
    neg("invoice_number", f"Invoice INV-2025-{R.randint(10000, 99999)} is due on 30 November; total €1,284.50.")
    neg("tracking_number", f"Tracking: 1Z{rs(6, UPPER_DIGITS)}{rs(10, string.digits)} (UPS Ground), last scan Memphis TN.")
    neg("tracking_number", f"DHL waybill {R.randint(10**9, 10**10 - 1)} — customs cleared.")
    neg("date", "The contract runs from 2025-01-15 to 2026-01-14 and renews automatically unless cancelled by 12/01/2025.")
    neg("price", "Pro plan is $1,299.00/yr or $129.99/mo; enterprise starts at 4 500 000 JPY.")
    neg("version", "Upgraded from 10.0.19045.4291 to 10.0.22631.3447 and the driver 31.0.15.5222 now crashes.")
    neg("version", "Bump dependency from 4.12.1 to 4.13.0, node 20.11.1, npm 10.2.4.")
    neg("isbn", "Textbook: Introduction to Algorithms, ISBN 978-0-262-04630-5, 4th edition.")
    neg("isbn", "Library hold for ISBN 9780141439518, pickup at the main branch.")
    neg("card_bad_luhn", f"Test with {group(bad_card('4', 16), [4,4,4,4])} — it should fail validation in the form.")
    neg("card_bad_luhn", f"Sample invalid number for the QA script: {bad_card('5' + str(R.randint(1, 5)), 16)}")
    neg("card_bad_luhn", f"Amex-shaped but fails the checksum: {group(bad_card('37', 15), [4,6,5])} (used in the negative test fixture).")
    neg("iban_bad_check", f"Validation should reject {'DE' + '00' + rs(18, string.digits)} because the check digits are wrong.")
    neg("ip_private", "The DB is at 10.20.3.14 and the cache at 192.168.50.7; both only reachable over the VPN.")
    neg("ip_private", "Set the bind address to 127.0.0.1 and the pod CIDR to 172.16.0.0/12. The link-local 169.254.169.254 is the metadata endpoint.")
    neg("ip_documentation", "Example: block 203.0.113.45 and 198.51.100.0/24 in the firewall rule (RFC 5737 documentation ranges).")
    neg("ssn_reserved", "Form validation must reject 000-12-3456, 666-45-1234 and 912-34-5678 as SSNs.")
    neg("ssn_reserved", "Placeholder SSN in the template: 123-00-4567 (group 00 is never issued).")
    neg("phone_like", f"Ticket SUP-{R.randint(1000, 9999)}, part number 555-0199-A, build 2025.10.3.")
    neg("sku", f"SKU {rs(3, string.ascii_uppercase)}-{R.randint(1000, 9999)}-{rs(2, string.ascii_uppercase)} is back in stock; 48 units at the Leeds warehouse.")
    neg("timestamp", "Job started at 1760353200 (epoch) and finished at 2025-10-13T11:02:45Z, duration 00:42:45.")
    neg("coordinates_venue", "The conference venue is at 51.5033, -0.1196 (London Eye); doors open at 09:00.")
    neg("hex_color", "Brand colors: #1A73E8, #34A853, #FBBC05, #EA4335.")
    neg("measurements", "Box dimensions 40 x 30 x 25 cm, weight 12.5 kg, pallet ID 0045-7712-3390.")
    neg("extension", "Help desk hours are Mon-Fri 09:00-17:30; internal extension 4412, room B-207.")
    neg("statistics", "Population 8,336,817 (2022 est.), area 783.8 km², median age 37.5.")
    neg("zip_code", "Ships free to ZIP codes 10001–10299; Alaska 995-999 excluded.")
    neg("math", "Compute 4111 1111 divided by 37 and round to two decimal places.")
    neg("model_number", "Replacement filter model HF-2390-441-7782 fits the 2019–2023 units.")
    return recs, nones


def main():
    inj = [{"text": t, "label": "attack", "kind": k} for k, t in inj_data.ATTACKS] + \
          [{"text": t, "label": "benign", "kind": k} for k, t in inj_data.BENIGN]
    s_pos, s_neg = secrets_records()
    p_pos, p_neg = pii_records()
    for name, rows in (("injection.jsonl", inj), ("secrets.jsonl", s_pos + s_neg), ("pii.jsonl", p_pos + p_neg)):
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(name, len(rows))


if __name__ == "__main__":
    main()
