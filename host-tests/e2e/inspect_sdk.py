"""The official OpenAI and Anthropic Python SDKs against Envoy with `inspect`.

Run by host-tests/tests/inspect_envoy.rs as
`python3 inspect_sdk.py BASE_URL SCENARIO [ARG]`; prints one JSON object
describing what the SDK did (exception class, status, error code, or the text
it reassembled), so the Rust test asserts on what an application would see.
"""

import json
import sys

import anthropic
import openai

base, scenario = sys.argv[1], sys.argv[2]
arg = sys.argv[3] if len(sys.argv) > 3 else ""
oai = openai.OpenAI(base_url=base + "/v1", api_key="sk-test-client", max_retries=0)
ant = anthropic.Anthropic(base_url=base, api_key="sk-ant-test-client", max_retries=0)


def error(e):
    body = getattr(e, "body", None)
    return {
        "exception": type(e).__name__,
        "status": getattr(e, "status_code", None),
        "code": getattr(e, "code", None),
        "message": getattr(e, "message", str(e)),
        "body": body,
    }


out = {}
try:
    if scenario == "chat":
        r = oai.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": arg}]
        )
        out = {"text": r.choices[0].message.content}
    elif scenario == "chat-stream":
        # The mock upstream streams `arg` back in 3-byte pieces.
        stream = oai.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "repeat after me"}],
            stream=True,
            extra_headers={"x-mock-content": arg, "x-mock-chunk-size": "3"},
        )
        text, chunks = "", 0
        for chunk in stream:
            chunks += 1
            if chunk.choices and chunk.choices[0].delta.content:
                text += chunk.choices[0].delta.content
        out = {"text": text, "chunks": chunks}
    elif scenario == "messages":
        r = ant.messages.create(
            model="claude-sonnet-4-5",
            max_tokens=100,
            messages=[{"role": "user", "content": arg}],
        )
        out = {"text": r.content[0].text}
    elif scenario == "messages-stream":
        text = ""
        with ant.messages.stream(
            model="claude-sonnet-4-5",
            max_tokens=100,
            messages=[{"role": "user", "content": "repeat after me"}],
            extra_headers={"x-mock-content": arg, "x-mock-chunk-size": "3"},
        ) as stream:
            for t in stream.text_stream:
                text += t
        out = {"text": text}
    else:
        out = {"unknown_scenario": scenario}
except (openai.APIError, anthropic.APIError) as e:
    out = error(e)
print(json.dumps(out))
