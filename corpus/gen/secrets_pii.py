#!/usr/bin/env python3
"""Generate corpus/secrets.jsonl and corpus/pii.jsonl for scripts/eval-detect.

Every value is synthetic: random strings from a seeded generator, shaped like
the real formats (prefixes, lengths, checksums) but issued by nobody. The
surrounding text (prose, code, logs, configs) is written for this project.

    python3 corpus/gen/secrets_pii.py        # rewrites both files
"""
import base64
import json
import os
import random
import string
import zlib

R = random.Random(20240601)
# Records added for the recall classes found by corpus/heldout (2026-11):
# their own generator, so the earlier records keep their values.
R2 = random.Random(20261126)


def password2(symbols, need=""):
    # Upper, lower, digit, and the given punctuation; `need` must appear.
    while True:
        p = rs(string.ascii_letters + string.digits + symbols, R2.randint(12, 18), R2)
        if (any(c.isdigit() for c in p) and any(c.islower() for c in p)
                and any(c.isupper() for c in p) and all(c in p for c in need)):
            return p
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
HEX = "0123456789abcdef"
B32 = string.ascii_uppercase + "234567"


def rs(alphabet, n, rng=None):
    # No runs or sequences that the placeholder filter would reject.
    rng = rng or R
    while True:
        s = "".join(rng.choice(alphabet) for _ in range(n))
        bad = False
        for i in range(len(s) - 4):
            w = s[i:i + 5]
            if len(set(w)) == 1:
                bad = True
            if all(ord(w[j + 1]) - ord(w[j]) == 1 for j in range(4)):
                bad = True
            if all(ord(w[j]) - ord(w[j + 1]) == 1 for j in range(4)):
                bad = True
        low = s.lower()
        if any(x in low for x in ("example", "xxxx", "fake", "dummy", "sample", "test", "insert", "replace")):
            bad = True
        if not bad:
            return s


def b62(n, width=6):
    out = ""
    for _ in range(width):
        out = B62[n % 62] + out
        n //= 62
    return out


def checksummed(prefix):
    body = rs(B62, 30)
    return prefix + body + b62(zlib.crc32(body.encode()) & 0xFFFFFFFF)


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt():
    h = b64url(json.dumps({"alg": R.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}).encode())
    p = b64url(json.dumps({"sub": str(R.randint(10**6, 10**7)), "name": R.choice(["Ana Ruiz", "Li Wei", "Sam Okoro"]), "iat": R.randint(1.6e9, 1.8e9)}).encode())
    s = rs(B64URL, 43)
    return f"{h}.{p}.{s}"


def pem(label, lines=8, rng=None):
    body = "\n".join(rs(B64, 64, rng) for _ in range(lines))
    return f"-----BEGIN {label}-----\n{body}\n{rs(B64, 24, rng)}==\n-----END {label}-----"


def password():
    while True:
        p = rs(string.ascii_letters + string.digits + "!#%^*-_", R.randint(10, 18))
        if any(c.isdigit() for c in p) and any(c.isalpha() for c in p):
            return p


def luhn_complete(prefix, length, rng=None):
    rng = rng or R
    while True:
        body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
        for check in string.digits:
            cand = body + check
            total = 0
            for i, ch in enumerate(reversed(cand)):
                d = int(ch)
                if i % 2 == 1:
                    d *= 2
                    if d > 9:
                        d -= 9
                total += d
            if total % 10 == 0:
                if not any(cand[i] * 6 == cand[i:i + 6] for i in range(len(cand) - 5)):
                    return cand


def luhn_ok(s):
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def group(s, sizes, sep):
    out, i = [], 0
    for n in sizes:
        out.append(s[i:i + n])
        i += n
    return sep.join(out)


def iban(cc, bban):
    rearranged = bban + cc + "00"
    num = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(num) % 97
    return f"{cc}{check:02d}{bban}"


VM = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],[4,0,1,2,3,9,5,6,7,8],[5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],[8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]]
VP = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],[9,4,5,3,1,2,8,7,6,0],[4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]]
VINV = [0,4,3,2,1,5,6,7,8,9]


def verhoeff_complete(body):
    c = 0
    for i, ch in enumerate(reversed(body)):
        c = VM[c][VP[(i + 1) % 8][int(ch)]]
    return body + str(VINV[c])


def aadhaar(rng=None):
    rng = rng or R
    while True:
        a = verhoeff_complete(str(rng.randint(2, 9)) + "".join(rng.choice(string.digits) for _ in range(10)))
        if not any(a[i] * 5 == a[i:i + 5] for i in range(8)):
            return a


DNI = "TRWAGMYFPDXBNJZSQVHLCKE"


def rec(text, label, kind):
    return {"text": text, "label": label, "kind": kind}


def secrets():
    out = []
    P = lambda text, kind: out.append(rec(text, "secret", kind))
    N = lambda text, kind: out.append(rec(text, "none", kind))
    for _ in range(3):
        k = R.choice(["AKIA", "ASIA"]) + rs(B32, 16)
        s = rs(B64, 40)
        P(f"[default]\naws_access_key_id = {k}\nregion = eu-west-1\n", "aws_access_key")
        P(f"Can you tell me why boto3 says AccessDenied? I'm using key {k} in us-east-1.", "aws_access_key")
        P(f"export AWS_SECRET_ACCESS_KEY=\"{s}\"\nexport AWS_DEFAULT_REGION=us-west-2", "aws_secret_key")
    for _ in range(2):
        P(f"const maps = new Loader({{ apiKey: \"AIza{rs(B64URL, 35)}\", version: \"weekly\" }});", "gcp_api_key")
    P(json.dumps({"type": "service_account", "project_id": "billing-prod-4411", "private_key_id": rs(HEX, 40),
                  "private_key": pem("PRIVATE KEY").replace("\n", "\\n") + "\\n",
                  "client_email": "exporter@billing-prod-4411.iam.gserviceaccount.com"}, indent=1).replace("\\\\n", "\\n"),
      "gcp_service_account_key")
    for _ in range(2):
        P(f"DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey={rs(B64, 86)}==;EndpointSuffix=core.windows.net", "azure_storage_key")
    sig = rs(B64, 43).replace("+", "%2B").replace("/", "%2F") + "%3D"
    P(f"Upload with: curl -X PUT 'https://acmelogs.blob.core.windows.net/exports/a.csv?sv=2022-11-02&ss=b&srt=o&sp=rwc&se=2031-01-01T00:00:00Z&spr=https&sig={sig}'", "azure_sas_token")
    P(f"Endpoint=sb://acme-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={rs(B64, 43)}=", "azure_shared_access_key")
    for pfx in ["ghp_", "gho_", "ghs_", "ghu_"]:
        P(f"git clone https://{checksummed(pfx)}@github.com/acme/infra.git failed with 403, why?", "github_token")
    P(f"GITHUB_TOKEN={checksummed('ghp_')}\nrun: gh release create v1.4.0", "github_token")
    P(f"github_pat_{rs(B62, 22)}_{rs(B62, 59)} is the fine-grained token I made for the CI job", "github_pat")
    P(f"gitlab:\n  url: https://gitlab.acme.dev\n  token: glpat-{rs(B64URL, 20)}\n", "gitlab_token")
    P(f"curl --header \"PRIVATE-TOKEN: glpat-{rs(B64URL, 20)}\" https://gitlab.acme.dev/api/v4/projects", "gitlab_token")
    for pfx in ["xoxb-", "xoxp-"]:
        P(f"SLACK_BOT_TOKEN={pfx}{R.randint(10**11, 10**12)}-{R.randint(10**12, 10**13)}-{rs(B62, 24)}", "slack_token")
    P(f"Our alert posts to https://hooks.slack.com/services/T{rs(string.ascii_uppercase + string.digits, 8)}/B{rs(string.ascii_uppercase + string.digits, 10)}/{rs(B62, 24)} whenever the job fails.", "slack_webhook")
    for pfx in ["sk_live_", "rk_live_"]:
        P(f"stripe.api_key = '{pfx}{rs(B62, 24)}'\ncharge = stripe.Charge.create(amount=2000, currency='eur')", "stripe_key")
    P(f"client = OpenAI(api_key=\"sk-proj-{rs(B64URL, 74)}T3BlbkFJ{rs(B64URL, 74)}\")", "openai_key")
    P(f"My old key sk-{rs(B62, 20)}T3BlbkFJ{rs(B62, 20)} stopped working after the migration.", "openai_key")
    P(f"OPENAI_API_KEY=sk-svcacct-{rs(B64URL, 60)}", "openai_key")
    P(f"ANTHROPIC_API_KEY=sk-ant-api03-{rs(B64URL, 93)}AA", "anthropic_key")
    P(f"headers = {{\"x-api-key\": \"sk-ant-admin01-{rs(B64URL, 80)}\"}}", "anthropic_key")
    P(f"huggingface-cli login --token hf_{rs(string.ascii_letters, 34)}", "huggingface_token")
    P(f"//registry.npmjs.org/:_authToken={checksummed('npm_')}", "npm_token")
    P(f"[pypi]\n  username = __token__\n  password = pypi-AgEIcHlwaS5vcmc{rs(B64URL, 120)}", "pypi_token")
    P("Here is the deploy key, please add it to the server:\n" + pem("RSA PRIVATE KEY"), "private_key")
    P(pem("OPENSSH PRIVATE KEY", 6) + "\n", "private_key")
    P("ssl_key: |\n  " + pem("EC PRIVATE KEY", 3).replace("\n", "\n  "), "private_key")
    for _ in range(3):
        P(f"Authorization: Bearer {jwt()}", "jwt")
    P(f"Decode this token for me: {jwt()}", "jwt")
    for scheme, host in [("postgres", "db.internal:5432/app"), ("mysql", "10.2.0.4:3306/shop"), ("mongodb+srv", "cluster0.ab1cd.mongodb.net/prod"), ("redis", "cache.internal:6379/0"), ("amqp", "mq.internal:5672/")]:
        P(f"DATABASE_URL={scheme}://svc_app:{password()}@{host}", "connection_string_password")
    P(f"engine = create_engine(\"postgresql://report:{password()}@warehouse.acme.io/analytics\")", "connection_string_password")
    for tmpl in ["DB_PASSWORD={}", "password: \"{}\"", "\"password\": \"{}\"", "spring.datasource.password={}", "PGPASSWORD='{}' psql -h db -U app", "<password>{}</password>", "mysql --user=root --password {} shop"]:
        P(f"Config dump:\n{tmpl.format(password())}\n", "password")
    P(f"hey, the wifi password is {password()} if you need it", "password")
    P(f"client_secret = \"{rs(B62 + '~_', 40)}\"", "generic_secret")
    P(f"API_KEY={rs(B62, 32)}", "generic_secret")
    P(f"\"access_token\": \"{rs(B62, 40)}\", \"expires_in\": 3600", "generic_secret")
    P(f"curl -H 'Authorization: Bearer {rs(B62, 40)}' https://api.acme.dev/v1/orders", "bearer_token")
    P(f"Authorization: Basic {base64.b64encode(('deploy:' + password()).encode()).decode()}", "basic_auth")
    P(f"SENDGRID_API_KEY=SG.{rs(B64URL, 22)}.{rs(B64URL, 43)}", "sendgrid_api_key")
    P(f"twilio api key sid: SK{rs(HEX, 32)}", "twilio_api_key")
    P(f"shopify: X-Shopify-Access-Token: shpat_{rs(HEX, 32)}", "shopify_token")
    P(f"doctl auth init -t dop_v1_{rs(HEX, 64)}", "digitalocean_token")
    P(f"DATABRICKS_TOKEN=dapi{rs(HEX, 32)}", "databricks_token")
    P(f"LINEAR_API_KEY=lin_api_{rs(B62, 40)}", "linear_api_key")
    P(f"mailgun.init(domain='mg.acme.io', api_key='key-{rs(string.ascii_lowercase + string.digits, 32)}')", "mailgun_api_key")
    P(f"DD_API_KEY={rs(HEX, 32)}\nDD_SITE=datadoghq.eu", "datadog_api_key")
    P(f"VAULT_TOKEN=hvs.{rs(B64URL, 90)}", "vault_token")
    P(f"access token from gcloud: ya29.{rs(B64URL, 150)}", "google_oauth_token")
    P(f"# created: 2024-05-01\n# public key: age1{rs(string.ascii_lowercase + string.digits, 58)}\nAGE-SECRET-KEY-1{rs(string.ascii_uppercase + string.digits, 58)}", "age_secret_key")

    # Hard negatives.
    N("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "placeholder")
    N("Set OPENAI_API_KEY=sk-... in your shell before running the notebook.", "placeholder")
    N("export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "placeholder")
    N("STRIPE_SECRET_KEY=sk_live_YOUR_KEY_HERE", "placeholder")
    N("password: ${DB_PASSWORD}", "placeholder")
    N("api_key = \"<your-api-key>\"", "placeholder")
    N("DATABASE_URL=postgres://user:password@localhost:5432/mydb", "placeholder")
    N("redis://:changeme@localhost:6379", "placeholder")
    N("Authorization: Bearer <token>", "placeholder")
    N("token: {{ secrets.GITHUB_TOKEN }}", "placeholder")
    N("password=********", "placeholder")
    N("client_secret: 'YOUR_CLIENT_SECRET'", "placeholder")
    N("hf_token = os.environ[\"HF_TOKEN\"]", "reference")
    N("api_key = os.getenv('OPENAI_API_KEY')", "reference")
    N("password = request.form['password']", "reference")
    N("const token = process.env.SLACK_TOKEN;", "reference")
    N("self.password = password", "reference")
    N("password: str = Field(..., min_length=12)", "reference")
    bad = checksummed("ghp_")
    bad = bad[:-1] + ("a" if bad[-1] != "a" else "b")
    N(f"The CI log shows {bad} but that token fails the checksum, it was typed by hand.", "bad_checksum")
    bad_npm = checksummed("npm_")
    bad_npm = bad_npm[:-2] + ("zz" if bad_npm[-2:] != "zz" else "yy")
    N(f"npm token {bad_npm} is not a real one", "bad_checksum")
    for _ in range(4):
        N(f"Request id {R.choice(['', 'req_'])}{'-'.join(rs(HEX, n) for n in (8, 4, 4, 4, 12))} completed in 212 ms", "uuid")
    for _ in range(4):
        N(f"commit {rs(HEX, 40)}\nAuthor: Dana <dana@acme.dev>\n\n    Fix retry loop", "git_sha")
    for _ in range(3):
        N(f"sha256:{rs(HEX, 64)}  ./dist/app.tar.gz", "hash")
    N("The password must be at least 12 characters long and contain a digit.", "prose")
    N("Forgot your password? Click the link we sent to reset it.", "prose")
    N("Never paste your API key or secret token into a chat window.", "prose")
    N("The token limit for this model is 128k tokens; max_tokens=4096 works fine.", "prose")
    N("Use a password manager; a strong passphrase beats a short password.", "prose")
    N("Bearer tokens are sent in the Authorization header of each request.", "prose")
    N("The secret to good bread is patience and a hot oven.", "prose")
    N("{\"token_type\": \"bearer\", \"expires_in\": 3600, \"scope\": \"read\"}", "config")
    N("max_tokens: 1024\ntemperature: 0.2\ntop_p: 0.9", "config")
    N("password_min_length = 14\npassword_history = 5", "config")
    N("secret_name: prod/db/credentials\nsecret_version: AWSCURRENT", "config")
    N("Rotate the Stripe key in the dashboard, then update STRIPE_SECRET_KEY in the vault.", "prose")
    N("Your GitHub token needs the repo and workflow scopes.", "prose")
    N("-----BEGIN PUBLIC KEY-----\n" + "\n".join(rs(B64, 64) for _ in range(4)) + "\n-----END PUBLIC KEY-----", "public_key")
    N("-----BEGIN CERTIFICATE-----\n" + "\n".join(rs(B64, 64) for _ in range(6)) + "\n-----END CERTIFICATE-----", "certificate")
    N("A PEM private key starts with -----BEGIN PRIVATE KEY----- and ends with the matching END line.", "prose")
    N("Connect with psql postgres://localhost:5432/analytics (peer auth, no password).", "config")
    N("https://docs.acme.dev/guide?page=2&sort=asc&sig=abc", "url")
    N("Released v2.14.3 (build 20240511.4) with fixes for task-sk-tracker", "version")
    N("The risk-skew metric and desk-skills survey are due Friday.", "prose")
    N(f"data:image/png;base64,{rs(B64, 120)}", "base64")
    N("eyJhbGciOiJub25lIn0 is just a base64 header without the rest of a token", "fragment")
    N("ssh-ed25519 " + rs(B64, 68) + " dana@laptop", "public_key")
    N("pwd\n/home/dana/projects/tollgate\nls -la", "shell")
    N("PWD=/srv/app\nHOME=/home/app", "shell")
    N("We rotate the api_key every 90 days per the security policy.", "prose")
    N("If `token == null` the client retries the login flow.", "code")
    N("The key-value store holds session state; key-prefix is configurable.", "prose")
    N("sk-learn is a common misspelling of scikit-learn.", "prose")
    N("Use glpat- tokens with the api scope for the mirror job.", "prose")
    N("hooks.slack.com/services/ is the base path for incoming webhooks.", "prose")
    N("AccountKey= must be followed by the base64 key from the portal.", "prose")
    N("MIT License\n\nCopyright (c) 2024 Acme\n\nPermission is hereby granted, free of charge, to any person obtaining a copy", "prose")
    N("Tips: the password field is masked; the secret question is optional.", "prose")
    N("bcrypt hash: $2b$12$" + rs(B64.replace('+', '.'), 53), "hash")
    N("password_hash = '$argon2id$v=19$m=65536,t=3,p=4$" + rs(B64, 22) + "$" + rs(B64, 43) + "'", "hash")
    N("docker run -e POSTGRES_PASSWORD_FILE=/run/secrets/db_pw postgres:16", "config")
    N("The token 'AKIA' prefix identifies long-term AWS access keys.", "prose")
    N("Error: invalid_grant (token expired at 2024-05-01T10:00:00Z)", "log")
    N("Set `secret: true` on the variable to mask it in the logs.", "config")
    N("passwd: files systemd\ngroup: files systemd\nshadow: files", "config")
    N("My password is not working after the update, what should I do?", "prose")
    N("The password was changed yesterday by the admin.", "prose")
    N("Call refresh_token() before the access token expires.", "code")
    N("ENCRYPTION_KEY_ID=alias/prod-app-key", "config")
    N("api-key header missing: send x-api-key with each call", "prose")
    # Recall classes (see R2): punctuation in URL and assignment passwords,
    # env lists, prose with words before "is", mysql -p, Twilio auth tokens.
    P(f"engine = create_engine('mysql+mysqldb://app:{password2('.+-')}@db.internal/app')", "connection_string")
    P(f"CACHE_URL=rediss://:{password2('#^', '#')}@redis.prod.svc:6380/1", "connection_string")
    P(f"celery broker: amqp://worker:{password2('#.?', '#')}@rabbit.local:5672/jobs", "connection_string")
    P(f"[client]\nuser = backup\npassword = {password2('%^!-', '%')}", "password")
    P("env:\n  - name: AWS_SECRET_ACCESS_KEY\n    value: \"" + rs(B64, 40, R2) + "\"", "aws_secret_key")
    P(f'{{"name": "DB_PASSWORD", "value": "{password2("#!")}"}}', "password")
    P(f"mysqldump -u backup -p'{password2('.!')}' shop > shop.sql", "password")
    P(f"the admin password for the staging box is {password2('+#')}", "password")
    P(f"twilio_client = Client('AC{rs(HEX, 32, R2)}', '{rs(HEX, 32, R2)}')", "twilio_auth_token")
    N("password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3565326138", "reference")
    N("- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: app-db\n      key: password", "reference")
    N("api_secret: secretsmanager/prod/payments:api_secret", "reference")
    N("mysql -u root -p -h 10.0.0.5 shop", "prose")
    N("The password for the guest wifi is printed on the router.", "prose")
    N(f"md5 of the upload: {rs(HEX, 32, R2)}", "hash")
    secrets_v3(P, N)
    secrets_v3b(P, N)
    return out


def pii():
    out = []
    P = lambda text, kind: out.append(rec(text, "pii", kind))
    N = lambda text, kind: out.append(rec(text, "none", kind))
    first = ["ana", "li", "sam", "priya", "jonas", "fatima", "kenji", "olga", "diego", "amara"]
    last = ["ruiz", "wei", "okoro", "sharma", "berg", "haddad", "sato", "ivanova", "lopez", "mensah"]
    domains = ["gmail.com", "outlook.com", "acme.co.uk", "mail.example-corp.io", "uni-heidelberg.de", "proton.me", "company.org"]
    for i in range(14):
        e = f"{R.choice(first)}.{R.choice(last)}{R.choice(['', str(R.randint(1, 99))])}@{R.choice(domains)}"
        tmpl = R.choice(["Please forward the invoice to {}.", "From: {}\nSubject: Re: contract", "contact = \"{}\"", "Reach me at <{}> after 5pm", "user {} logged in from the mobile app"])
        P(tmpl.format(e), "email")

    def nanp():
        while True:
            a = f"{R.randint(2, 9)}{R.randint(0, 9)}{R.randint(0, 9)}"
            x = f"{R.randint(2, 9)}{R.randint(0, 9)}{R.randint(0, 9)}"
            if a[1:] != "11" and x[1:] != "11":
                return a, x, f"{R.randint(0, 9999):04d}"
    for fmt in ["({a}) {x}-{n}", "{a}-{x}-{n}", "{a}.{x}.{n}", "+1 {a} {x} {n}", "1-{a}-{x}-{n}", "+1 ({a}) {x}-{n}"]:
        a, x, n = nanp()
        P(R.choice(["Call me at {} tomorrow.", "Phone: {}", "Customer callback number {} (leave a voicemail)"]).format(fmt.format(a=a, x=x, n=n)), "phone_number")
    P(f"UK office: +44 20 {R.randint(7000, 7999)} {R.randint(1000, 9999)}", "phone_number")
    P(f"Mobile 07{R.randint(100, 999)} {R.randint(100000, 999999)}", "phone_number")
    P(f"Telefon: +49 30 {R.randint(1000000, 9999999)}", "phone_number")
    P(f"Tél. : 01 {R.randint(10, 99)} {R.randint(10, 99)} {R.randint(10, 99)} {R.randint(10, 99)}", "phone_number")
    P(f"WhatsApp +91 {R.randint(70000, 99999)} {R.randint(10000, 99999)}", "phone_number")
    P(f"mobile: 98{R.randint(100, 999)} {R.randint(10000, 99999)}", "phone_number")
    a, x, n = nanp()
    P(f"phone {a}{x}{n}", "phone_number")
    a, x, n = nanp()
    P(f"2024-05-15 10:22:01 INFO sms sent to +1{a}{x}{n} (template=otp)", "phone_number")
    P(f"Kontakt: 0151 {R.randint(10000000, 99999999)}", "phone_number")
    cards = [("4", 16, [4, 4, 4, 4]), ("51", 16, [4, 4, 4, 4]), ("37", 15, [4, 6, 5]), ("6011", 16, [4, 4, 4, 4]), ("2223", 16, [4, 4, 4, 4]), ("35", 16, [4, 4, 4, 4])]
    for pfx, n, sizes in cards:
        c = luhn_complete(pfx if pfx != "35" else "3530", n)
        P(R.choice(["Card number: {}", "please charge {} for the renewal", "cc={} exp=09/27 cvv=123"]).format(group(c, sizes, R.choice([" ", "-"]))), "credit_card")
    P(f"Visa {luhn_complete('4', 16)} exp 11/26", "credit_card")
    P(f"Refund to card ending in 4821? No, the full number was {group(luhn_complete('55', 16), [4, 4, 4, 4], ' ')}.", "credit_card")
    P(f"payment_method: {{ number: '{luhn_complete('4', 16)}', exp_month: 4 }}", "credit_card")
    P(f"amex {luhn_complete('34', 15)}", "credit_card")
    for cc, bban in [("GB", "WEST" + "".join(R.choice(string.digits) for _ in range(14))), ("DE", "".join(R.choice(string.digits) for _ in range(18))), ("FR", "".join(R.choice(string.digits) for _ in range(23))), ("ES", "".join(R.choice(string.digits) for _ in range(20))), ("NL", "ABNA" + "".join(R.choice(string.digits) for _ in range(10)))]:
        ib = iban(cc, bban)
        spaced = " ".join(ib[i:i + 4] for i in range(0, len(ib), 4))
        P(f"Bank details: IBAN {R.choice([ib, spaced])}, BIC on request.", "iban")

    def ssn():
        while True:
            a, g, s = R.randint(1, 899), R.randint(1, 99), R.randint(1, 9999)
            if a != 666:
                return f"{a:03d}-{g:02d}-{s:04d}"
    for _ in range(6):
        P(R.choice(["SSN: {}", "Employee social security number {} on file", "ssn={}"]).format(ssn()), "us_ssn")
    P(f"my ssn is {ssn().replace('-', '')}", "us_ssn")

    def sin():
        while True:
            s = luhn_complete(str(R.choice([1, 2, 3, 4, 5, 6, 7, 9])), 9)
            return s
    for _ in range(3):
        P(f"SIN {group(sin(), [3, 3, 3], R.choice([' ', '-']))} (Service Canada)", "ca_sin")
    for _ in range(3):
        P(f"Aadhaar: {group(aadhaar(), [4, 4, 4], ' ')}", "in_aadhaar")
    for _ in range(3):
        letters = R.choice(["AB", "JG", "CE", "PR", "SY"])
        P(f"NI number {letters}{R.randint(100000, 999999)}{R.choice('ABCD')} for payroll", "uk_nino")
    for _ in range(3):
        n = R.randint(10**7, 10**8 - 1)
        P(f"DNI: {n}{DNI[n % 23]}", "es_dni")
    for _ in range(2):
        lead = R.choice("XYZ")
        n = R.randint(10**6, 10**7 - 1)
        P(f"NIE {lead}{n:07d}{DNI[int(str('XYZ'.index(lead)) + f'{n:07d}') % 23]}", "es_nie")
    for _ in range(6):
        ip = f"{R.choice([34, 52, 81, 104, 151, 185])}.{R.randint(1, 254)}.{R.randint(1, 254)}.{R.randint(1, 254)}"
        P(R.choice(["Failed login from {} at 03:12 UTC", "client_ip={} status=403", "the attacker's address was {}"]).format(ip), "ipv4")
    P(f"Request from 2a01:4f8:{R.randint(4096, 65535):x}:{R.randint(1, 65535):x}::2 blocked by WAF", "ipv6")
    P(f"peer=2606:4700:{R.randint(1, 65535):x}::{R.randint(1, 65535):x} rtt=12ms", "ipv6")

    # Hard negatives.
    for _ in range(4):
        N(f"trace_id={'-'.join(rs(HEX, n) for n in (8, 4, 4, 4, 12))}", "uuid")
    N("id: 12345678-1234-5678-1234-567812345678", "uuid")
    for _ in range(3):
        N(f"Merged {rs(HEX, 40)} into main", "git_sha")
    N(f"md5 {rs(HEX, 32)}  backup.tar", "hash")
    N("Upgrade to 4.11.1 or 10.0.19041.1 fixes it; see v1.2.3.4 notes.", "version")
    N("Python 3.12.4, numpy 1.26.4, torch 2.3.1+cu121", "version")
    N("Meeting on 2024-01-15 at 10:30, then 2024/02/01 12:45:30.", "date")
    N("created_at=1715769600 updated_at=1715773200123", "timestamp")
    N("Order #4829301 shipped; tracking 1Z999AA10123456784.", "order_number")
    N("Invoice INV-2024-000193 total $1,299.99", "order_number")
    N("Test card 4111 1111 1111 1112 should be declined (bad Luhn).", "bad_luhn")
    N("card: 5500 0000 0000 0005", "bad_luhn")
    N("Use 4242 4242 4242 4242 with any future date in Stripe test mode.", "test_card")
    N("Stripe test Amex: 3782 822463 10005", "test_card")
    N("SSN format is AAA-GG-SSSS, e.g. 000-12-3456 is invalid.", "invalid_ssn")
    N("666-45-1234 and 912-34-5678 are never issued.", "invalid_ssn")
    N("The Woolworth wallet number 078-05-1120 was widely misused.", "invalid_ssn")
    N("Example SSN 123-45-6789 appears in many forms.", "invalid_ssn")
    N("Server listens on 192.168.1.10:8080 and 10.0.0.5.", "private_ip")
    N("ping 127.0.0.1 and 169.254.10.20", "private_ip")
    N("Docs use 192.0.2.44 and 198.51.100.7 and 203.0.113.9", "documentation_ip")
    N("Documentation prefix 2001:db8::1 and link-local fe80::1ff:fe23:4567:890a", "private_ip")
    N("IBAN GB83WEST12345698765432 (check digits wrong)", "bad_iban")
    N("ISBN 978-3-16-148410-0, pages 123-456", "isbn")
    N("Coordinates: 37.7749, -122.4194", "coordinates")
    N("zip 94105, suite 400, floor 12", "address_fragment")
    N("Pi is 3.14159265358979 and e is 2.718281828", "math")
    N("The build took 1234567 ms across 42 workers.", "number")
    N("MAC 00:1A:2B:3C:4D:5E on eth0", "mac")
    N("Use std::vector<int> and Vec::new() in the port.", "code")
    N("@app.route('/login') def login(): ...", "code")
    N("npm install @types/node@20.11.5", "code")
    N("![logo](assets/logo@2x.png)", "file")
    N("git remote add origin git@github.com:acme/tollgate.git", "ssh_remote")
    N("Range 100-200-300 units; ratio 3:2:1", "number")
    N("color: #ff5733; width: 1280px; z-index: 9999", "css")
    N("Phone numbers like 123-456-7890 are not valid NANP numbers.", "invalid_phone")
    N("Call 911 or 112 in an emergency.", "short_number")
    N("Extension 4021, room 2.114", "short_number")
    N("SELECT * FROM users WHERE id = 1234567890;", "number")
    N("Benchmarks: 1200000 req/s, p99 4.2 ms", "number")
    N("The year 1999 had 365 days; 2024 had 366.", "number")
    N("Address the email to the team lead, not to me.", "prose")
    N("Our phone support is open 9 to 5.", "prose")
    N("Send your card details only through the payment page.", "prose")
    N("decorators like @property and @staticmethod", "code")
    N("version = \"0.12.3\"\nedition = \"2021\"", "version")
    N("Lottery numbers: 04 11 23 35 42 49", "number")
    N("Ticket JIRA-4521 blocks PROJ-1200", "ticket")
    N("ids: [100234, 100235, 100236]", "number")
    N("Temperature 21.5 C at 14:05:33", "number")
    N("docker image sha256:" + rs(HEX, 64), "hash")
    N("Dial-in PIN 482 913#", "short_number")
    N("ISO 8601 time 2024-05-15T13:45:30+02:00", "date")
    N("The user@localhost account is for local testing.", "local_account")
    N("Copyright 2003-2024, 18 authors, 2.1 million lines", "number")
    N("Spanish DNI format is 8 digits and a letter, e.g. 12345678A (wrong letter).", "bad_checksum")
    N("Aadhaar numbers have 12 digits: 1234 5678 9012 is not valid.", "bad_checksum")
    N("sizes: 1920x1080, 2560x1440, 3840x2160", "number")
    N("Room 101-B, building 7", "address_fragment")
    N("error at line 1024, column 17: unexpected token", "log")
    N("Exit code 137 after 3600 s (OOM)", "log")
    N("The matrix has shape (128, 4096, 4096).", "number")
    N("Port range 30000-32767 is reserved for NodePorts.", "number")
    N("Phone: TBD", "prose")
    N("contact: support team via the ticket portal", "prose")
    N("GPS 48.8584 N, 2.2945 E", "coordinates")
    N("UTC offset +05:30, epoch 0", "number")
    N("Score 98.6 / 100 on 2023-11-30", "number")
    N("ULID 01HXYZ3K9QW8E7R6T5Y4U3I2O1", "id")
    N("k8s node ip-10-0-12-34.ec2.internal is ready", "hostname")
    # Recall classes (see R2): reserved-TLD addresses are flagged (an address
    # at any valid domain is personal data), an SSN in a CSV field, and
    # four-part versions that are not addresses.
    # Documentation domains (RFC 2606 / 6761) are not reported since the
    # 2026-12 round (see corpus/README.md): these two were positives before.
    N("Contact mateo.ferri@harbor-lines.test about the sandbox invoice.", "documentation_domain")
    N("name,email\nIda Lund,ida.lund@northwind.example", "documentation_domain")
    while True:
        a = R2.randint(1, 899)
        if a != 666:
            break
    P(f"id,name,ssn\n{R2.randint(100, 999)},Rosa Diaz,{a:03d}-{R2.randint(1, 99):02d}-{R2.randint(1, 9999):04d}", "us_ssn")
    N("Firmware 5.12.0.3 or later is required for the new radio.", "version")
    N("Tested on release 11.2.0.4 of the database.", "version")
    pii_v3(P, N)
    pii_v3b(P, N)
    return out


# ---------------------------------------------------------------------------
# 2026-12 round: the formats the detectors missed (new vendor tokens, CLI and
# config files, Kubernetes secrets, encoded secrets; European, American and
# Indian national identifiers with their check digits; phone numbers by
# country) and their look-alikes. Their own generator, so every record above
# keeps its value.
R3 = random.Random(20261206)
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER = string.ascii_uppercase
DIG = string.digits


# A generator for changes to records of this round that would otherwise
# shift every later R3 value.
R4 = random.Random(20261207)


def r3(alphabet, n):
    return rs(alphabet, n, R3)


def digits3(n):
    return "".join(R3.choice(DIG) for _ in range(n))


def pw3(symbols="!#%^*-_.", lo=12, hi=18):
    while True:
        p = r3(string.ascii_letters + DIG + symbols, R3.randint(lo, hi))
        if (any(c.isdigit() for c in p) and any(c.islower() for c in p)
                and any(c.isupper() for c in p) and p[0].isalnum()):
            return p


def checksummed3(prefix):
    body = r3(B62, 30)
    return prefix + body + b62(zlib.crc32(body.encode()) & 0xFFFFFFFF)


def discord_token():
    uid = str(R3.randint(10**17, 10**19 - 1))
    first = base64.b64encode(uid.encode()).decode().rstrip("=")
    return f"{first}.{r3(B64URL, 6)}.{r3(B64URL, 38)}"


def telegram_token():
    return f"{R3.randint(10**8, 10**10 - 1)}:AA{r3(B64URL, 33)}"


def zero_width(s):
    zw = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
    out = []
    for i, ch in enumerate(s):
        out.append(ch)
        if i < len(s) - 1 and R3.random() < 0.35:
            out.append(R3.choice(zw))
    return "".join(out)


def fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else c for c in s)


def pct_all(s):
    return "".join(f"%{ord(c):02X}" for c in s)


def b64s(s):
    return base64.b64encode(s.encode()).decode()


def secrets_v3(P, N):
    # --- Vendor tokens.
    for _ in range(2):
        g = "gsk_" + r3(B62, 52)
        P(R3.choice([f"GROQ_API_KEY={g}", f"client = Groq(api_key=\"{g}\")", f"my groq key {g} hit the rate limit, can I raise it?"]), "groq_api_key")
    P(f"Mi clave de Groq es gsk_{r3(B62, 52)} pero devuelve 401.", "groq_api_key")
    for dc in ["us6", "us14", "us21"]:
        k = f"{r3(HEX, 32)}-{dc}"
        P(R3.choice([f"MAILCHIMP_API_KEY={k}", f"client.set_config({{\"api_key\": \"{k}\", \"server\": \"{dc}\"}})", f"Mailchimp says the key {k} is invalid."]), "mailchimp_api_key")
    P(f"client.run('{discord_token()}')", "discord_bot_token")
    P(f"DISCORD_TOKEN={discord_token()}", "discord_bot_token")
    P(f"curl -H \"Authorization: Bot {discord_token()}\" https://discord.com/api/v10/users/@me", "discord_bot_token")
    P(f"Mein Discord-Bot startet nicht, Token: {discord_token()} – was ist falsch?", "discord_bot_token")
    P(f"requests.post(f\"https://api.telegram.org/bot{telegram_token()}/sendMessage\", json=payload)", "telegram_bot_token")
    P(f"TELEGRAM_BOT_TOKEN={telegram_token()}", "telegram_bot_token")
    P(f"BotFather gave me {telegram_token()} for the alerts bot.", "telegram_bot_token")
    P(f"export REPLICATE_API_TOKEN=r8_{r3(B62, 37)}", "replicate_api_token")
    P(f"client = replicate.Client(api_token=\"r8_{r3(B62, 37)}\")", "replicate_api_token")
    P(json.dumps({"installed": {"client_id": f"{R3.randint(10**11, 10**12)}-{r3(LOWER_ALNUM, 32)}.apps.googleusercontent.com", "project_id": "sheets-sync-41", "client_secret": "GOCSPX-" + r3(B64URL, 28), "redirect_uris": ["http://localhost"]}}), "google_oauth_client_secret")
    P(f"Le secret OAuth GOCSPX-{r3(B64URL, 28)} a fuité dans le dépôt, il faut le révoquer.", "google_oauth_client_secret")
    for pfx in ["sk_test_", "rk_test_"]:
        P(f"stripe.api_key = \"{pfx}{r3(B62, 99)}\"", "stripe_test_key")
    P(f"Using sk_test_{r3(B62, 24)} locally, the webhook never fires. Ideas?", "stripe_test_key")
    P(f"[testpypi]\n  username = __token__\n  password = pypi-AgENdGVzdC5weXBpLm9yZw{r3(B64URL, 150)}", "pypi_token")
    P(f"twine upload -u __token__ -p pypi-AgEIcHlwaS5vcmc{r3(B64URL, 160)} dist/*", "pypi_token")
    P(f"UV_PUBLISH_TOKEN=pypi-AgEIcHlwaS5vcmc{r3(B64URL, 140)}", "pypi_token")
    # --- curl, .netrc, .pgpass.
    P(f"curl -H 'Authorization: token {r3(HEX, 40)}' https://api.github.com/user/repos", "authorization_header")
    P(f"curl -s -H \"Authorization: Basic {b64s('ci-bot:' + pw3())}\" https://nexus.acme.dev/service/rest/v1/assets", "basic_auth")
    P(f"curl -u deploy:{pw3()} https://artifacts.acme.dev/upload -T build.zip", "curl_user_password")
    P(f"curl --user 'metrics:{pw3()}' https://grafana.acme.dev/api/health", "curl_user_password")
    P(f"curl -X POST https://jenkins.acme.dev/job/release/build \\\n  --user admin:{pw3()} \\\n  -d delay=0sec", "curl_user_password")
    P(f"Why does curl -u svc_backup:{pw3()} https://dav.acme.dev/ return 401?", "curl_user_password")
    P(f"curl -H 'Authorization: Bearer {r3(B62, 48)}' https://api.acme.dev/v2/export", "bearer_token")
    P(f"machine api.heroku.com login ops@acme-tools.io password {r3(HEX, 8)}-{r3(HEX, 4)}-{r3(HEX, 4)}-{r3(HEX, 4)}-{r3(HEX, 12)}", "netrc_password")
    P(f"# ~/.netrc\nmachine git.acme.dev\n  login ci-runner\n  password {pw3()}\n", "netrc_password")
    P(f"cat ~/.netrc\nmachine ftp.acme.dev login backup password {pw3()}", "netrc_password")
    P(f"db.internal:5432:billing:svc_billing:{pw3()}", "pgpass_password")
    P(f"# ~/.pgpass\n*:*:*:replicator:{pw3()}\nlocalhost:5432:app:app:{pw3()}", "pgpass_password")
    P(f"My .pgpass line is pg-prod.acme.dev:6432:analytics:etl:{pw3()} and psql still prompts.", "pgpass_password")
    # --- Kubernetes secrets.
    P(f"apiVersion: v1\ndata:\n  password: {b64s(pw3())}\n  username: {b64s('app')}\nkind: Secret\nmetadata:\n  name: db-credentials\n  namespace: payments\ntype: Opaque\n", "k8s_secret")
    P(f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-keys\ntype: Opaque\ndata:\n  STRIPE_KEY: {b64s('sk_live_' + r3(B62, 24))}\n  SIGNING_SECRET: {b64s(r3(B62, 32))}\n", "k8s_secret")
    P(f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: smtp\nstringData:\n  SMTP_USER: mailer\n  SMTP_PASSWORD: \"{pw3()}\"\n", "k8s_secret")
    P(json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "registry"}, "data": {"token": b64s(r3(B62, 40))}}), "k8s_secret")
    P(f"kubectl get secret redis -o yaml gives:\n\napiVersion: v1\ndata:\n  redis-password: {b64s(pw3())}\nkind: Secret\nmetadata:\n  name: redis\n", "k8s_secret")
    # --- .env files.
    P(f"# .env\nAPP_ENV=production\nSESSION_SECRET={r3(B62, 32)}\nLOG_LEVEL=info\n", "generic_secret")
    P(f"STRIPE_WEBHOOK_KEY={r3(B62, 28)}\nCACHE_TTL=300", "env_secret")
    P(f"export SIGNING_KEY='{r3(B64, 44)}'", "env_secret")
    P(f"environment:\n  - POSTGRES_USER=app\n  - POSTGRES_PASS={pw3()}\n  - TZ=UTC", "env_secret")
    P(f"APP_KEY=base64:{r3(B64, 43)}=\nAPP_DEBUG=false", "env_secret")
    P(f"SMTP_AUTH={pw3()}\nSMTP_HOST=smtp.acme.dev", "env_secret")
    # --- Cloud CLI config files.
    P(f"[default]\naws_access_key_id = ASIA{r3(B32, 16)}\naws_secret_access_key = {r3(B64, 40)}\naws_session_token = IQoJb3JpZ2luX2VjE{r3(B64, 300)}\n", "aws_session_token")
    P(f"cat ~/.aws/credentials\n[prod]\naws_access_key_id=AKIA{r3(B32, 16)}\naws_secret_access_key={r3(B64, 40)}", "aws_secret_key")
    P("gcloud auth activate-service-account --key-file=- <<< '" + json.dumps({"type": "service_account", "project_id": "etl-77", "private_key": pem("PRIVATE KEY", 4, R3).replace("\n", "\\n"), "client_email": "etl@etl-77.iam.gserviceaccount.com"}).replace("\\\\n", "\\n") + "'", "gcp_service_account_key")
    P("{\n  \"ConnectionStrings\": {\n    \"Blob\": \"DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=" + r3(B64, 86) + "==;EndpointSuffix=core.windows.net\"\n  }\n}", "azure_storage_key")
    P(f"az storage blob upload --account-name acmeprod --account-key {r3(B64, 86)}== -c logs -f app.log", "azure_storage_key")
    # --- Encoded secrets.
    P(f"echo {b64s(checksummed3('ghp_'))} | base64 -d", "github_token")
    P(f"token_b64: \"{b64s('AKIA' + r3(B32, 16))}\"", "aws_access_key")
    P(f"Decode this and tell me what service it is for: {b64s('OPENAI_API_KEY=sk-proj-' + r3(B64URL, 60) + 'T3BlbkFJ' + r3(B64URL, 20))}", "openai_key")
    P(f"payload hex: {('sk-ant-api03-' + r3(B64URL, 93) + 'AA').encode().hex()}", "anthropic_key")
    P(f"GET /callback?state=ok&t={pct_all('xoxb-' + str(R3.randint(10**11, 10**12)) + '-' + str(R3.randint(10**12, 10**13)) + '-' + r3(B62, 24))} HTTP/1.1", "slack_token")
    P(f"here is the key, split so the bot won't see it: {zero_width('gsk_' + r3(B62, 52))}", "groq_api_key")
    P(f"トークンは {fullwidth(checksummed3('ghp_'))} です。", "github_token")
    P(f"clé : {fullwidth('AKIA' + r3(B32, 16))}", "aws_access_key")
    P(f"{zero_width('glpat-' + r3(B64URL, 20))} is the mirror token", "gitlab_token")
    P(f"docker config: {{\"auths\":{{\"ghcr.io\":{{\"auth\":\"{b64s('bot:' + checksummed3('ghp_'))}\"}}}}}}", "github_token")

    # Hard negatives.
    N(f"md5sum: {r3(HEX, 32)}  release.tar.gz", "hash")
    N(f"sha1 {r3(HEX, 40)}", "hash")
    N(f"SHA256 ({'app.bin'}) = {r3(HEX, 64)}", "hash")
    N(f"FILE_CHECKSUM={r3(HEX, 64)}", "hash")
    N(f"request_id={r3(HEX, 8)}-{r3(HEX, 4)}-4{r3(HEX, 3)}-a{r3(HEX, 3)}-{r3(HEX, 12)}", "uuid")
    N(f"git checkout {r3(HEX, 40)} -- src/", "git_sha")
    N(f"image: ghcr.io/acme/api@sha256:{r3(HEX, 64)}", "docker_digest")
    N(f"<img src=\"data:image/jpeg;base64,{r3(B64, 200)}\">", "base64_image")
    N(f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{r3(B64, 300)} deploy@ci", "public_key")
    N("-----BEGIN CERTIFICATE-----\n" + "\n".join(r3(B64, 64) for _ in range(5)) + "\n-----END CERTIFICATE-----", "certificate")
    N(f"Role: arn:aws:iam::{digits3(12)}:role/ci-deployer and key arn:aws:kms:eu-west-1:{digits3(12)}:key/{r3(HEX, 8)}-{r3(HEX, 4)}-{r3(HEX, 4)}-{r3(HEX, 4)}-{r3(HEX, 12)}", "arn")
    N("GROQ_API_KEY=gsk_...", "placeholder")
    N("export REPLICATE_API_TOKEN=r8_YOUR_TOKEN_HERE", "placeholder")
    N("OPENAI_API_KEY=YOUR_API_KEY", "placeholder")
    N("curl -H 'Authorization: token <token>' https://api.github.com/user", "placeholder")
    N("STRIPE_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx", "placeholder")
    N("SESSION_SECRET=${SESSION_SECRET}", "reference")
    N("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  password: {{ .Values.db.password | b64enc }}\n  token: {{ .Values.api.token | b64enc | quote }}\n", "placeholder")
    N("password: changeme", "placeholder")
    N("env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password", "reference")
    N("DB_PASSWORD=${DB_PASSWORD:?required}", "reference")
    N("The key shown in the dashboard is sk-****************3f9a (masked).", "masked")
    N("GROQ key: gsk_****************************Xk2q", "masked")
    bad = checksummed3("ghp_")
    N(f"export GH_TOKEN={bad[:-1] + ('b' if bad[-1] == 'a' else 'a')}", "bad_checksum")
    bad = checksummed3("npm_")
    N(f"//registry.npmjs.org/:_authToken={bad[:-3] + 'abc'}", "bad_checksum")
    N("aws_access_key_id=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "placeholder")
    N(f"{b64s('AKIAIOSFODNN7EXAMPLE')} is just the docs key, base64-encoded", "placeholder")
    N("locale=en-us&currency=usd&region=us-east-1", "lookalike")
    N(f"build {r3(HEX, 32)}-use-cache finished", "lookalike")
    N("The bot id is 123456789 and the chat is 987654321:AA is not a token", "lookalike")
    N("GOCSPX- secrets come from the Google Cloud console; never commit them.", "prose")
    N("Replicate tokens start with r8_ and Groq keys with gsk_.", "prose")
    N("apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: vault-db\nspec:\n  provider: vault", "config")
    N(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: {b64s('beta,dark-mode')}", "config")
    N("apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: " + b64s("-----BEGIN CERTIFICATE-----\n" + r3(B64, 64) + "\n-----END CERTIFICATE-----") + "\n", "certificate")
    N("NEXT_PUBLIC_SITE_KEY=6Lc" + r3(B64URL, 37) + "\nCACHE_KEY=user-profile-v2\nSORT_KEY=created_at", "config")
    N(f"STRIPE_PUBLISHABLE_KEY=pk_live_{r3(B62, 24)}", "public_key")
    N("machine github.com login ci password ${NETRC_TOKEN}", "reference")
    N("localhost:5432:*:postgres:*", "placeholder")
    N("Times: 10:15:30:45 and ratio 1:2:3:4:5", "lookalike")
    N("docker run -u 1000:1000 -v $PWD:/src node:20 npm test", "shell")
    N("git push -u origin main && curl -u \"$USER:$PASS\" https://ci.acme.dev/hook", "reference")
    N("curl -u admin:admin http://localhost:8080/", "placeholder")
    N(f"echo {b64s('Hello from the build server, all checks passed.')} | base64 -d", "base64_text")
    N(f"hex dump: {'The quick brown fox jumps over the lazy dog'.encode().hex()}", "hex_text")
    N("https://search.acme.dev/?q=%E3%83%86%E3%82%B9%E3%83%88%20%E8%B3%87%E6%96%99&lang=ja", "url_encoded")
    N("ＡＰＩキーは管理画面で発行してください。パスワードは共有しないでください。", "fullwidth_prose")
    N("Family emoji 👨\u200d👩\u200d👧 and a zero\u200bwidth space in prose.", "zero_width_prose")
    N("Set `token: ${{ secrets.NPM_TOKEN }}` in the workflow, never the value.", "reference")
    N(f"jobs:\n  deploy:\n    env:\n      AWS_SECRET_ACCESS_KEY: ${{{{ secrets.AWS_SECRET_ACCESS_KEY }}}}", "reference")
    N(f"Discord snowflake {R3.randint(10**17, 10**18)} joined the server.", "lookalike")
    N("Example:  https://api.telegram.org/bot<token>/getMe", "placeholder")


# --- PII generators.

def cif():
    letter = R3.choice("ABEHPQSN")
    d = digits3(7)
    se = sum(int(d[i]) for i in (1, 3, 5))
    so = sum(sum(divmod(int(d[i]) * 2, 10)) for i in (0, 2, 4, 6))
    c = (10 - (se + so) % 10) % 10
    ctrl = "JABCDEFGHI"[c] if letter in "PQSN" else str(c)
    return letter + d + ctrl


def nss():
    prov = R3.randint(1, 52)
    n = R3.randint(10**7, 10**8 - 1)
    val = prov * 10**8 + n
    return f"{prov:02d}", f"{n:08d}", f"{val % 97:02d}"


def nir(corsica=None):
    sex = R3.choice("12")
    yy = f"{R3.randint(40, 99):02d}"
    mm = f"{R3.randint(1, 12):02d}"
    dept = corsica or f"{R3.choice([1, 6, 13, 33, 44, 59, 69, 75, 92, 93]):02d}"
    commune = f"{R3.randint(1, 990):03d}"
    order = f"{R3.randint(1, 999):03d}"
    n13 = sex + yy + mm + dept + commune + order
    num = int(n13.replace("2A", "19").replace("2B", "18")) if dept in ("2A", "2B") else int(n13)
    key = 97 - num % 97
    return f"{sex} {yy} {mm} {dept} {commune} {order} {key:02d}"


def steuer_id():
    while True:
        ds = R3.sample(range(10), 9)
        if ds[0] == 0:
            continue
        dup = R3.choice(ds[1:])
        body = ds + [dup]
        first = body[0]
        rest = body[1:]
        R3.shuffle(rest)
        body = [first] + rest
        product = 10
        for d in body:
            s = (d + product) % 10
            if s == 0:
                s = 10
            product = (s * 2) % 11
        check = 11 - product
        if check == 10:
            check = 0
        return "".join(map(str, body)) + str(check)


CF_ODD = {**dict(zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21])),
          **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]))}


def cf_check(s15):
    total = 0
    for i, ch in enumerate(s15):
        if i % 2 == 0:
            total += CF_ODD[ch]
        else:
            total += int(ch) if ch.isdigit() else ord(ch) - 65
    return chr(65 + total % 26)


def codice_fiscale(omocodia=0):
    s = "".join(R3.choice("BCDFGLMNPRSTVZ") for _ in range(3)) + "".join(R3.choice("BCDFGLMNPRSTVZAEIO") for _ in range(3))
    s += f"{R3.randint(40, 99):02d}" + R3.choice("ABCDEHLMPRST") + f"{R3.randint(1, 28) + R3.choice([0, 40]):02d}"
    s += R3.choice("ABCDEFGHLMZ") + digits3(3)
    s = list(s)
    for pos in [14, 13, 12, 10, 9, 7, 6][:omocodia]:
        s[pos] = "LMNPQRSTUV"[int(s[pos])]
    s = "".join(s)
    return s + cf_check(s)


def bsn():
    while True:
        d = [R3.randint(1, 9)] + [R3.randint(0, 9) for _ in range(7)]
        s = sum(x * (9 - i) for i, x in enumerate(d))
        last = s % 11
        if last < 10:
            return "".join(map(str, d)) + str(last)


def pesel():
    y = R3.randint(1950, 2012)
    m = R3.randint(1, 12) + (20 if y >= 2000 else 0)
    dd = R3.randint(1, 28)
    s = f"{y % 100:02d}{m:02d}{dd:02d}{digits3(4)}"
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    c = (10 - sum(int(a) * b for a, b in zip(s, w)) % 10) % 10
    return s + str(c)


def nif_pt():
    d = R3.choice("12356") + digits3(7)
    r = sum(int(x) * (9 - i) for i, x in enumerate(d)) % 11
    return d + str(0 if r < 2 else 11 - r)


def nhs():
    while True:
        d = str(R3.randint(4, 7)) + digits3(8)
        r = 11 - sum(int(x) * (10 - i) for i, x in enumerate(d)) % 11
        if r == 11:
            r = 0
        if r != 10:
            return d + str(r)


def cpf():
    d = [R3.randint(0, 9) for _ in range(9)]
    for n in (10, 11):
        s = sum(x * (n - i) for i, x in enumerate(d))
        r = s * 10 % 11
        d.append(0 if r == 10 else r)
    s = "".join(map(str, d))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def cnpj():
    d = [R3.randint(0, 9) for _ in range(8)] + [0, 0, 0, 1]
    for w in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        r = sum(a * b for a, b in zip(d, w)) % 11
        d.append(0 if r < 2 else 11 - r)
    s = "".join(map(str, d))
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def pan():
    return "".join(R3.choice(UPPER) for _ in range(3)) + "P" + R3.choice(UPPER) + digits3(4) + R3.choice(UPPER)


def itin():
    return f"9{digits3(2)}-{R3.choice(list(range(70, 89)) + list(range(50, 66)))}-{R3.randint(1, 9999):04d}"


def bump_last(s):
    # Change the last digit (or letter): a wrong check character.
    c = s[-1]
    if c.isdigit():
        return s[:-1] + str((int(c) + 1) % 10)
    return s[:-1] + ("A" if c != "A" else "B")


def pii_v3(P, N):
    # --- National identifiers, with their check digits.
    for _ in range(2):
        P(R3.choice(["CIF de la empresa: {}", "Facturar a Talleres Ruiz S.L., CIF {}.", "NIF/CIF {} (proveedor)"]).format(cif()), "es_cif")
    p, n, c = nss()
    P(f"Número de la Seguridad Social: {p}/{n}/{c}", "es_nss")
    p, n, c = nss()
    P(f"NSS {p}{n}{c} del trabajador, alta en 2023", "es_nss")
    P(f"Mon numéro de sécurité sociale est le {nir()}, merci de le garder.", "fr_nir")
    P(f"NIR: {nir().replace(' ', '')}", "fr_nir")
    P(f"Patient né en Corse, n° INSEE {nir('2A')}", "fr_nir")
    P(f"insee={nir('2B').replace(' ', '')}", "fr_nir")
    P(f"Steuer-ID: {steuer_id()}", "de_steuer_id")
    s = steuer_id()
    P(f"Meine steuerliche Identifikationsnummer lautet {s[:2]} {s[2:5]} {s[5:8]} {s[8:]}.", "de_steuer_id")
    P(f"Codice fiscale: {codice_fiscale()}", "it_codice_fiscale")
    P(f"cf={codice_fiscale(2)}", "it_codice_fiscale")
    P(f"Il mio CF è {codice_fiscale(1)}, grazie.", "it_codice_fiscale")
    P(f"BSN: {bsn()}", "nl_bsn")
    b = bsn()
    P(f"Mijn burgerservicenummer is {b[:4]}.{b[4:6]}.{b[6:]}", "nl_bsn")
    P(f"PESEL {pesel()}", "pl_pesel")
    P(f"Numer PESEL pacjenta: {pesel()}.", "pl_pesel")
    P(f"NIF {nif_pt()}", "pt_nif")
    P(f"Contribuinte n.º {nif_pt()}, fatura em nome de Ana Sousa", "pt_nif")
    n_ = nhs()
    P(f"NHS number: {n_[:3]} {n_[3:6]} {n_[6:]}", "uk_nhs")
    P(f"nhs_no={nhs()}", "uk_nhs")
    letters = R3.choice(["JK", "PR", "ST", "WX", "EH"])
    P(f"National Insurance: {letters} {digits3(2)} {digits3(2)} {digits3(2)} {R3.choice('ABCD')}", "uk_nino")
    P(f"ITIN {itin()} for the W-7 renewal", "us_itin")
    P(f"Taxpayer ID (ITIN): {itin()}", "us_itin")
    P(f"CPF: {cpf()}", "br_cpf")
    P(f"meu cpf é {cpf().replace('.', '').replace('-', '')}", "br_cpf")
    P(f"CNPJ {cnpj()} - Comércio de Peças Ltda", "br_cnpj")
    P(f"PAN: {pan()}", "in_pan")
    P(f"Please update my PAN card number {pan()} in the KYC form.", "in_pan")
    P(f"Aadhaar no. {aadhaar(R3)}", "in_aadhaar")
    P(f"SIN: {luhn_complete('4', 9, R3)}", "ca_sin")
    n8 = R3.randint(10**7, 10**8 - 1)
    P(f"Documento: {n8}-{DNI[n8 % 23]}", "es_dni")
    # --- Phones, international and national formats.
    phones = [
        ("+34 612 34 56 78", "Llámame al {}"),
        ("+34 912 345 678", "Teléfono de la oficina: {}"),
        ("612 34 56 78", "móvil {}"),
        ("91 234 56 78", "Oficina central, tel. {}"),
        ("+33 6 12 34 56 78", "Portable : {}"),
        ("06 12 34 56 78", "Rappelez-moi au {} demain."),
        ("+49 151 23456789", "Handy: {}"),
        ("089/1234567", "Telefon {}"),
        ("(030) 1234567", "Rufen Sie uns an: {}"),
        ("+39 06 6982 1234", "Ufficio di Roma: {}"),
        ("+39 347 123 4567", "cellulare {}"),
        ("347 123 4567", "Chiamami al {}"),
        ("+31 6 12345678", "Bel me op {}"),
        ("06-12345678", "mobiel: {}"),
        ("020 123 4567", "Kantoor Amsterdam {}"),
        ("+48 512 345 678", "Zadzwoń: {}"),
        ("22 123 45 67", "tel. {} (Warszawa)"),
        ("+351 912 345 678", "Telemóvel {}"),
        ("+44 7700 900123", "Text me on {}"),
        ("0161 496 0123", "Manchester office {}"),
        ("+1 212 555 0187", "NY desk {}"),
        ("+55 11 91234-5678", "WhatsApp {}"),
        ("(11) 91234-5678", "Celular: {}"),
        ("(21) 2345-6789", "Telefone fixo {}"),
        ("+91 98765 43210", "Mobile no. {}"),
        ("011 2345 6789", "Delhi landline {}"),
        ("+61 412 345 678", "Call me on {}"),
        ("(02) 9876 5432", "Sydney office {}"),
        ("0412 345 678", "mob {}"),
        ("+81 90-1234-5678", "携帯: {}"),
        ("03-1234-5678", "電話番号 {}"),
        ("+52 55 1234 5678", "Llámenos al {}"),
        ("(55) 1234 5678", "Teléfono CDMX {}"),
        ("+44 (0)20 7946 0958", "Switchboard {}"),
        ("0044 20 7946 0321", "From abroad dial {}"),
    ]
    for num, tmpl in phones:
        # Randomise the last digits so the numbers are not the ones in the
        # rule's unit tests.
        digs = [i for i, ch in enumerate(num) if ch.isdigit()]
        chars = list(num)
        for i in digs[-3:]:
            chars[i] = R3.choice(DIG)
        # And the subscriber digits after the first four, so the numbers do
        # not read as the sequential examples of manuals.
        for i in digs[4:-3]:
            if num[i - 1].isdigit():
                chars[i] = R4.choice(DIG)
        P(tmpl.format("".join(chars)), "phone_number")
    # --- Emails and IPs in more carriers.
    P("Bitte schicken Sie die Unterlagen an jonas.berg@posteo.de.", "email")
    P("Escríbeme a lucia.fernandez@correo.es cuando puedas.", "email")
    P("2024-11-02T10:11:12Z user=k.sato@fastmail.jp action=login", "email")
    P(f"Blocked {R3.choice([37, 46, 89, 141])}.{R3.randint(1, 254)}.{R3.randint(1, 254)}.{R3.randint(1, 254)} after 5 failed logins", "ipv4")
    P(f"upstream connect error to [2a02:{R3.randint(4096, 65535):x}:{R3.randint(1, 65535):x}::{R3.randint(1, 65535):x}]:443", "ipv6")
    P(f"X-Forwarded-For: {R3.choice([88, 91, 176])}.{R3.randint(1, 254)}.{R3.randint(1, 254)}.{R3.randint(1, 254)}, 10.0.0.7", "ipv4")

    # Hard negatives: wrong check digits.
    N(f"CIF {bump_last(cif())} (dígito de control erróneo)", "bad_checksum")
    p, n, c = nss()
    N(f"NSS {p}/{n}/{(int(c) + 1) % 97:02d} no válido", "bad_checksum")
    x = nir()
    N(f"NIR {x[:-2]}{(int(x[-2:]) % 97) + 1:02d} (clé fausse)", "bad_checksum")
    s = steuer_id()
    N(f"Steuer-ID {s[:-1]}{(int(s[-1]) + 1) % 10} ist ungültig", "bad_checksum")
    N("Steuer-ID 11111111111 ist ein Platzhalter", "placeholder")
    N(f"Codice fiscale {bump_last(codice_fiscale())} errato", "bad_checksum")
    b = bsn()
    N(f"BSN {b[:-1]}{(int(b[-1]) + 1) % 10} klopt niet", "bad_checksum")
    p_ = pesel()
    N(f"PESEL {p_[:-1]}{(int(p_[-1]) + 1) % 10} jest błędny", "bad_checksum")
    f_ = nif_pt()
    N(f"NIF {f_[:-1]}{(int(f_[-1]) + 1) % 10} inválido", "bad_checksum")
    n_ = nhs()
    N(f"NHS number {n_[:-1]}{(int(n_[-1]) + 1) % 10} failed validation", "bad_checksum")
    c_ = cpf()
    N(f"CPF {c_[:-1]}{(int(c_[-1]) + 1) % 10} inválido", "bad_checksum")
    N("CPF 111.111.111-11 é um exemplo inválido", "placeholder")
    c_ = cnpj()
    N(f"CNPJ {c_[:-1]}{(int(c_[-1]) + 1) % 10} com dígito errado", "bad_checksum")
    N("ITIN 912-34-5678 (group 34 is never issued)", "bad_checksum")
    N("Order ABCDE1234F shipped to the warehouse", "lookalike")
    N("Aadhaar 2341 2341 2347 fails the Verhoeff check", "bad_checksum")
    # Cards and IBANs with bad checksums: no detector may report them.
    for pfx in ["4", "51", "6011"]:
        c_ = luhn_complete(pfx, 16, R3)
        bad = c_[:-1] + str((int(c_[-1]) + 3) % 10)
        N(R3.choice(["card {}", "cc_number={}", "Karte: {}"]).format(group(bad, [4, 4, 4, 4], R3.choice([" ", "-", ""]))), "bad_luhn")
    c_ = luhn_complete("37", 15, R3)
    N(f"amex {group(c_[:-1] + str((int(c_[-1]) + 5) % 10), [4, 6, 5], ' ')} declined", "bad_luhn")
    for cc, bban in [("DE", digits3(18)), ("ES", digits3(20)), ("FR", digits3(23)), ("IT", "X" + digits3(22)), ("NL", "RABO" + digits3(10))]:
        ib = iban(cc, bban)
        bad = ib[:2] + f"{(int(ib[2:4]) + 1) % 97 + 1:02d}" + ib[4:]
        if bad == ib:
            bad = ib[:2] + "01" + ib[4:]
        spaced = " ".join(bad[i:i + 4] for i in range(0, len(bad), 4))
        N(f"IBAN {R3.choice([bad, spaced])} (Prüfziffer falsch)", "bad_iban")
    # Role mailboxes and documentation domains.
    for local in ["info", "support", "sales", "noreply", "no-reply", "donotreply", "postmaster", "abuse", "admin", "webmaster"]:
        N(R3.choice(["Write to {}@{} for help.", "From: {}@{}", "contact: {}@{}"]).format(local, R3.choice(["acme-tools.io", "northwind.de", "lumen.fr"])), "role_mailbox")
    for addr in ["ana.ruiz@example.com", "li.wei@example.org", "sam@mail.example.net", "jo@shop.example", "dev@ci.test", "nobody@host.invalid", "me@box.localhost"]:
        N(f"e.g. {addr}", "documentation_domain")
    # IPs that are not public.
    N("Gateway 172.16.4.1, DNS 10.10.0.2, host 192.168.178.20", "private_ip")
    N("CGNAT peer 100.72.14.9 and loopback 127.0.0.53", "private_ip")
    N("ULA fd12:3456:789a::1, link-local fe80::a00:27ff:fe4e:66a1, loopback ::1", "private_ip")
    N("Docs: 2001:db8:85a3::8a2e:370:7334 and 203.0.113.77", "documentation_ip")
    # Numbers that look like phones but are not.
    N("Invoice 2024 1234 5678 due on 15/11/2024", "number")
    N("+44 20 7946 095 is one digit short", "invalid_phone")
    N("Reference: 01 02 2024, batch 07", "date")
    N("Totals: 612 345 678 units shipped in 2023", "number")
    N("Kontonummer 0532013000, BLZ 37040044", "bank_fragment")
    N("Timestamp 1731489600123 and 17314896001", "timestamp")


def secrets_v3b(P, N):
    # Second batch, written after the rules and measured once before any
    # further change (see corpus/README.md).
    P(f"[profile ci]\naws_access_key_id = AKIA{r3(B32, 16)}\naws_secret_access_key = {r3(B64, 40)}", "aws_access_key")
    P(f"Hier ist mein Token für die Pipeline: glpat-{r3(B64URL, 20)} (bitte nicht teilen)", "gitlab_token")
    P(f"const bot = new Telegraf('{telegram_token()}');", "telegram_bot_token")
    P(f"heroku config:set MAILCHIMP_KEY={r3(HEX, 32)}-us19", "mailchimp_api_key")
    P(f"export GROQ_API_KEY=\"gsk_{r3(B62, 52)}\"", "groq_api_key")
    P(f"kubectl create secret generic api --from-literal=API_TOKEN={r3(B62, 36)}", "generic_secret")
    P(f"headers: {{ Authorization: 'token {r3(HEX, 40)}' }}", "authorization_header")
    P(f"Authorization: ApiKey {r3(B64, 40)}==", "authorization_header")
    P(f"wget --user=deploy --password='{pw3()}' https://files.acme.dev/backup.tgz", "password")
    P(f"curl -fsSL -u \"ci:{pw3()}\" https://nexus.acme.dev/repository/raw/x.tgz -o x.tgz", "curl_user_password")
    P(f"default login anonymous password {pw3()}", "netrc_password")
    P(f"data:\n  .dockerconfigjson: {b64s(json.dumps({'auths': {'registry.acme.dev': {'auth': b64s('ci:' + pw3())}}}))}\nkind: Secret\ntype: kubernetes.io/dockerconfigjson", "k8s_secret")
    P(f"REDIS_PASSWORD={pw3()}\nREDIS_HOST=cache", "password")
    P(f"OPENAI_API_KEY=sk-proj-{r3(B64URL, 60)}T3BlbkFJ{r3(B64URL, 20)}", "openai_key")
    P(f"token (url-encoded): {pct_all('glpat-' + r3(B64URL, 20))}", "gitlab_token")
    P(f"key in hex so the linter skips it: {('AKIA' + r3(B32, 16)).encode().hex()}", "aws_access_key")
    P(f"秘密鍵: {fullwidth('sk_live_' + r3(B62, 24))}", "stripe_key")
    N("Rotate DISCORD_TOKEN and TELEGRAM_BOT_TOKEN from the secret store, never inline them.", "prose")
    N("export API_KEY=$(vault kv get -field=key secret/app)", "reference")
    N("API_KEY=\"${API_KEY:-}\"", "reference")
    N("GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}", "reference")
    N("aws_session_token = <paste from the console>", "placeholder")
    N("SECRET_KEY_BASE=change_me_in_production", "placeholder")
    N("curl -u \"$JIRA_USER:$JIRA_TOKEN\" https://jira.acme.dev/rest/api/2/myself", "reference")
    N("curl -u user:password https://httpbin.org/basic-auth/user/password", "placeholder")
    N("The .netrc format is: machine <host> login <user> password <password>", "prose")
    N("hostname:port:database:username:password is the .pgpass format", "prose")
    N("Connect on db.internal:5432 as app; the password is in Vault.", "prose")
    N(f"Pinned to {r3(HEX, 40)} (v2.4.1) and image sha256:{r3(HEX, 64)}", "git_sha")
    N(f"etag: \"{r3(HEX, 32)}\"\ncontent-md5: {b64s(r3(B62, 16))[:22]}==", "hash")
    N("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata: {}\n", "config")
    N("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  DB_HOST: db.internal\n  DB_USER: app\n  DB_PASSWORD: ${DB_PASSWORD}\n", "reference")
    N("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n  encryptedData:\n    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq" + r3(B64, 200), "encrypted")
    N("Use `kubectl get secret db -o jsonpath='{.data.password}' | base64 -d` to read it.", "prose")
    N(f"MAX_TOKENS=4096\nCACHE_KEY=v2\nPRIMARY_KEY=id\nIDEMPOTENCY_KEY_HEADER=Idempotency-Key", "config")
    N(f"TOKEN_TTL=3600\nAUTH_PROVIDER=oidc\nBASIC_AUTH=false", "config")
    N(f"thumbnail: {b64s('JFIF')}{r3(B64, 150)}", "base64")
    N(f"font-src data:font/woff2;base64,{r3(B64, 200)}", "base64")
    N(f"trace 00-{r3(HEX, 32)}-{r3(HEX, 16)}-01", "trace_id")
    N(f"ETH address 0x{r3(HEX, 40)}", "hash")
    N("Encoded query: name=J%C3%BCrgen%20M%C3%BCller&city=K%C3%B6ln", "url_encoded")
    N("ｐａｓｓｗｏｒｄ は８文字以上にしてください。", "fullwidth_prose")
    N("सुरक्षा के लिए अपना पासवर्ड किसी के साथ साझा न करें।", "prose")
    N("Используйте менеджер паролей и не храните токены в коде.", "prose")
    N(f"user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 build/{digits3(8)}", "log")
    N("Bot tokens look like <id>.<timestamp>.<hmac>; never post yours in chat.", "prose")


def pii_v3b(P, N):
    # Second batch (see secrets_v3b).
    P(f"Numéro de sécu : {nir()}", "fr_nir")
    P(f"Codice Fiscale {codice_fiscale()} - Partita IVA assente", "it_codice_fiscale")
    P(f"NHS No: {nhs()}", "uk_nhs")
    P(f"CPF do titular: {cpf()}", "br_cpf")
    P(f"Mein Handy: 0171 {digits3(7)}", "phone_number")
    P(f"Tel.: +49 (0)89 {digits3(7)}", "phone_number")
    P(f"Llámame al 6{digits3(2)} {digits3(2)} {digits3(2)} {digits3(2)}", "phone_number")
    P(f"お問い合わせ: 080-{digits3(4)}-{digits3(4)}", "phone_number")
    P(f"WhatsApp: +55 21 9{digits3(4)}-{digits3(4)}", "phone_number")
    P(f"call +61 2 {digits3(4)} {digits3(4)} before 5pm AEST", "phone_number")
    P(f"patient: {R3.choice(['Ana', 'Li', 'Sam'])} Ortega, ana.ortega{R3.randint(1, 99)}@hospital-norte.es", "email")
    N("Call us on 0800 000 000 (free) – or write to support@acme-tools.io", "role_mailbox")
    N("Version 0.14.2, released 2024-06-01; see build 0123 4567.", "version")
    N("Order 0171 2345678 was split into two parcels.", "order_number")
    N(f"Tracking number 1Z{r3(UPPER + DIG, 16)}", "order_number")
    N("Range: 030 to 089 in the table, step 1.", "number")
    N("Grid ref 12 345 678 901 on sheet 4.", "number")
    N("ISBN 978-84-376-0494-7 (Cátedra)", "isbn")
    N("Amounts: 1 234 567 890 € and 98 765 432 €", "number")
    N("Steuer-ID beantragen: dauert ca. 4 Wochen; die Nummer hat 11 Ziffern.", "prose")
    N("PESEL ma 11 cyfr, a NIP 10.", "prose")
    N("The NHS number is 10 digits; ours starts with 485.", "prose")
    N("Codice fiscale: RSSMRA00A00A000A (esempio non valido)", "placeholder")
    N("CNPJ: 00.000.000/0000-00", "placeholder")
    N("PAN format: AAAAA9999A", "placeholder")
    N("IPv6 ::ffff:192.168.1.1 and 64:ff9b::10.0.0.1 are mapped private addresses", "private_ip")
    N("See 198.51.100.23 and 2001:db8:0:1::5 in RFC examples.", "documentation_ip")
    N("Reply-To: noreply@notifications.acme-tools.io", "role_mailbox")
    N("Send bugs to security@acme-tools.io (PGP key on the site).", "role_mailbox")
    N("Meeting ID: 845 2214 9076, passcode 551203", "number")
    N("Part no. 0612-345-678 (rev B)", "number")
    N("Coordinates 40.4168, -3.7038; altitude 667 m", "coordinates")


def main():
    for name, recs in (("secrets.jsonl", secrets()), ("pii.jsonl", pii())):
        with open(os.path.join(OUT, name), "w") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        pos = sum(r["label"] != "none" for r in recs)
        print(f"{name}: {len(recs)} records, {pos} positive, {len(recs) - pos} negative")


if __name__ == "__main__":
    main()
