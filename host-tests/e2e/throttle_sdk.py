"""The official OpenAI Python SDK against Envoy with `throttle`.

Run by the throttle end-to-end tests as
`python3 throttle_sdk.py BASE_URL SCENARIO CONSUMER` (with
`TOLLGATE_KEY_PER_CONSUMER=1`, the API key is `sk-CONSUMER`, for auth in
front); prints one JSON object
describing what the SDK saw, so the Rust test asserts on what an
application would see.

- `drain`: alternate streamed and non-streamed chat completions
  (max_tokens 50, no retries) until the SDK raises; reports each call's
  kind, `x-ratelimit-remaining-tokens`, and the exception.
- `retry`: three calls with the SDK's default retry policy (2 retries)
  against a limit of 2 requests a second; reports `retries_taken` and the
  time each call took, to show the SDK waited as `retry-after` said.
"""

import json
import os
import sys
import time

import openai

base, scenario, consumer = sys.argv[1:4]
# With auth in front (the combined module), each consumer has its own key,
# `sk-<consumer>`; alone, throttle reads the consumer header.
client = openai.OpenAI(
    base_url=base + "/v1",
    api_key=("sk-" + consumer) if os.environ.get("TOLLGATE_KEY_PER_CONSUMER") else "sk-not-used-by-the-mock",
    default_headers={"x-tollgate-consumer": consumer},
    max_retries=0 if scenario == "drain" else 2,
)
MESSAGES = [{"role": "user", "content": "hello"}]


def error(e):
    headers = getattr(getattr(e, "response", None), "headers", {}) or {}
    return {
        "exception": type(e).__name__,
        "status": getattr(e, "status_code", None),
        "body": getattr(e, "body", None),
        "retry_after": headers.get("retry-after"),
        "retry_after_ms": headers.get("retry-after-ms"),
        "remaining_tokens": headers.get("x-ratelimit-remaining-tokens"),
    }


out = {"calls": []}
if scenario == "drain":
    try:
        for i in range(50):
            stream = i % 2 == 1
            raw = client.chat.completions.with_raw_response.create(
                model="gpt-4o-mini", max_tokens=50, messages=MESSAGES, stream=stream
            )
            remaining = raw.headers.get("x-ratelimit-remaining-tokens")
            parsed = raw.parse()
            if stream:
                text = "".join(
                    (c.choices[0].delta.content or "") for c in parsed if c.choices
                )
            else:
                text = parsed.choices[0].message.content
            out["calls"].append(
                {"stream": stream, "remaining_tokens": remaining, "text": text}
            )
    except openai.APIError as e:
        out["error"] = error(e)
elif scenario == "retry":
    try:
        for i in range(3):
            start = time.monotonic()
            raw = client.chat.completions.with_raw_response.create(
                model="gpt-4o-mini", max_tokens=5, messages=MESSAGES
            )
            raw.parse()
            out["calls"].append(
                {
                    "retries_taken": raw.retries_taken,
                    "seconds": time.monotonic() - start,
                }
            )
    except openai.APIError as e:
        out["error"] = error(e)
print(json.dumps(out))
