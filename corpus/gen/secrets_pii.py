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


def pem(label, lines=8):
    body = "\n".join(rs(B64, 64) for _ in range(lines))
    return f"-----BEGIN {label}-----\n{body}\n{rs(B64, 24)}==\n-----END {label}-----"


def password():
    while True:
        p = rs(string.ascii_letters + string.digits + "!#%^*-_", R.randint(10, 18))
        if any(c.isdigit() for c in p) and any(c.isalpha() for c in p):
            return p


def luhn_complete(prefix, length):
    while True:
        body = prefix + "".join(R.choice(string.digits) for _ in range(length - len(prefix) - 1))
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


def aadhaar():
    while True:
        a = verhoeff_complete(str(R.randint(2, 9)) + "".join(R.choice(string.digits) for _ in range(10)))
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
    P("Contact mateo.ferri@harbor-lines.test about the sandbox invoice.", "email")
    P("name,email\nIda Lund,ida.lund@northwind.example", "email")
    while True:
        a = R2.randint(1, 899)
        if a != 666:
            break
    P(f"id,name,ssn\n{R2.randint(100, 999)},Rosa Diaz,{a:03d}-{R2.randint(1, 99):02d}-{R2.randint(1, 9999):04d}", "us_ssn")
    N("Firmware 5.12.0.3 or later is required for the new radio.", "version")
    N("Tested on release 11.2.0.4 of the database.", "version")
    return out


def main():
    for name, recs in (("secrets.jsonl", secrets()), ("pii.jsonl", pii())):
        with open(os.path.join(OUT, name), "w") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        pos = sum(r["label"] != "none" for r in recs)
        print(f"{name}: {len(recs)} records, {pos} positive, {len(recs) - pos} negative")


if __name__ == "__main__":
    main()
