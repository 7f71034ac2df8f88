"""The official OpenAI and Anthropic Python SDKs against Envoy with `auth`.

Run by the auth end-to-end tests as
`python3 auth_sdk.py BASE_URL SDK KEY MODEL`, with SDK `openai` or
`anthropic`; prints one JSON object describing what the SDK did: the
completion text, or the exception class, status and error body, so the Rust
test asserts on what an application would see.
"""

import json
import sys

import anthropic
import openai

base, sdk, key, model = sys.argv[1:5]


def error(e):
    return {
        "exception": type(e).__name__,
        "status": getattr(e, "status_code", None),
        "body": getattr(e, "body", None),
    }


try:
    if sdk == "openai":
        client = openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0)
        r = client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "hello"}]
        )
        out = {"text": r.choices[0].message.content}
    elif sdk == "anthropic":
        client = anthropic.Anthropic(base_url=base, api_key=key, max_retries=0)
        r = client.messages.create(
            model=model, max_tokens=64, messages=[{"role": "user", "content": "hello"}]
        )
        out = {"text": r.content[0].text}
    else:
        out = {"unknown_sdk": sdk}
except (openai.APIError, anthropic.APIError) as e:
    out = error(e)
print(json.dumps(out))
