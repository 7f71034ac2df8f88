"""The official Ollama and Google Gen AI Python clients against Envoy with
auth, throttle and inspect in front of the mock LLM (a test double).

Run by host-tests/tests/native_envoy.rs as
`python3 native_sdk.py BASE_URL KEY SCENARIO [ARG]`; prints one JSON object
with what the client did (its exception class, status, message, or the text
it reassembled), so the Rust test asserts on what an application sees.
"""

import json
import os
import sys

import numpy as np
import ollama
import tritonclient.http as triton
from google import genai
from huggingface_hub import InferenceClient
from huggingface_hub.errors import HfHubHTTPError
from tritonclient.utils import InferenceServerException
from google.genai import errors as genai_errors
from google.genai import types

base, key, scenario = sys.argv[1], sys.argv[2], sys.argv[3]
arg = sys.argv[4] if len(sys.argv) > 4 else ""

# The mock's controls travel as headers: the text it answers, the piece size
# of its streams.
mock = {"x-mock-content": arg, "x-mock-chunk-size": "3"}


# MOCK_USAGE: the usage the mock reports (`<prompt>,<completion>`).
usage = {"x-mock-usage": os.environ["MOCK_USAGE"]} if os.environ.get("MOCK_USAGE") else {}


def ollama_client(extra=None):
    headers = {"authorization": f"Bearer {key}", **usage}
    headers.update(extra or {})
    return ollama.Client(host=base, headers=headers)


def gemini_client(extra=None):
    return genai.Client(
        api_key=key,
        http_options=types.HttpOptions(
            base_url=base, headers={**usage, **(extra or {})}, retry_options=None
        ),
    )


def ollama_error(e):
    return {
        "exception": type(e).__name__,
        "status": getattr(e, "status_code", None),
        "message": str(getattr(e, "error", e)),
    }


def gemini_error(e):
    return {
        "exception": type(e).__name__,
        "status": getattr(e, "code", None),
        "message": getattr(e, "message", str(e)),
        "state": getattr(e, "status", None),
    }


out = {}
# Kept referenced: a google-genai client closes its HTTP client when
# collected.
client = gemini_client(mock if scenario == "gemini-stream" else None)
try:
    if scenario == "ollama-chat":
        r = ollama_client().chat(
            model="llama3.2", messages=[{"role": "user", "content": arg}], stream=False
        )
        out = {"text": r.message.content, "eval_count": r.eval_count}
    elif scenario == "ollama-chat-stream":
        text, chunks = "", 0
        for part in ollama_client(mock).chat(
            model="llama3.2",
            messages=[{"role": "user", "content": "repeat after me"}],
            stream=True,
        ):
            chunks += 1
            text += part.message.content or ""
        out = {"text": text, "chunks": chunks}
    elif scenario == "ollama-generate-stream":
        text = ""
        for part in ollama_client(mock).generate(
            model="llama3.2", prompt="repeat after me", stream=True
        ):
            text += part.response or ""
        out = {"text": text}
    elif scenario == "ollama-forbidden":
        ollama_client().chat(
            model="mixtral", messages=[{"role": "user", "content": "hi"}], stream=False
        )
        out = {"text": "passed"}
    elif scenario == "ollama-embed":
        r = ollama_client().embed(model="nomic-embed-text", input=[arg])
        out = {"dims": len(r.embeddings[0])}
    elif scenario == "tgi-generate":
        hf = InferenceClient(model=base, headers={"authorization": f"Bearer {key}", **usage})
        r = hf.text_generation(arg, max_new_tokens=50, details=True)
        out = {"text": r.generated_text, "tokens": r.details.generated_tokens}
    elif scenario == "tgi-stream":
        hf = InferenceClient(model=base, headers={"authorization": f"Bearer {key}", **mock})
        text = ""
        for piece in hf.text_generation("repeat after me", max_new_tokens=200, stream=True):
            text += piece
        out = {"text": text}
    elif scenario in ("triton-infer", "triton-infer-mixtral"):
        t = triton.InferenceServerClient(url=base.removeprefix("http://"))
        inp = triton.InferInput("text_input", [1], "BYTES")
        inp.set_data_from_numpy(np.array([arg.encode()], dtype=object), binary_data=False)
        res = t.infer(
            "mixtral" if scenario.endswith("mixtral") else "llama3.2",
            inputs=[inp],
            outputs=[triton.InferRequestedOutput("text_output", binary_data=False)],
            headers={"authorization": f"Bearer {key}", **usage},
        )
        got = res.as_numpy("text_output")[0]
        out = {"text": got.decode() if isinstance(got, bytes) else str(got)}
    elif scenario == "gemini-generate":
        r = client.models.generate_content(model="gemini-2.5-flash", contents=arg)
        out = {"text": r.text, "tokens": r.usage_metadata.candidates_token_count}
    elif scenario == "gemini-stream":
        text, chunks = "", 0
        for chunk in client.models.generate_content_stream(
            model="gemini-2.5-flash", contents="repeat after me"
        ):
            chunks += 1
            text += chunk.text or ""
        out = {"text": text, "chunks": chunks}
    elif scenario == "gemini-forbidden":
        client.models.generate_content(model="gemini-2.5-pro", contents="hi")
        out = {"text": "passed"}
    elif scenario == "gemini-system":
        r = client.models.generate_content(
            model="gemini-2.5-flash",
            contents="hello",
            config=types.GenerateContentConfig(system_instruction=arg),
        )
        out = {"text": r.text}
    else:
        raise SystemExit(f"unknown scenario {scenario}")
except ollama.ResponseError as e:
    out = ollama_error(e)
except HfHubHTTPError as e:
    out = {"exception": type(e).__name__, "status": e.response.status_code, "message": str(e)}
except InferenceServerException as e:
    out = {"exception": type(e).__name__, "status": int(e.status() or 0), "message": e.message()}
except genai_errors.APIError as e:
    out = gemini_error(e)
print(json.dumps(out))
