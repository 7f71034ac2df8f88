"""The official Ollama, Google Gen AI, Hugging Face, Triton and AWS (boto3
`bedrock-runtime`) Python clients against Envoy with auth, throttle and
inspect in front of the mock LLM (a test double).

Run by host-tests/tests/native_envoy.rs as
`python3 native_sdk.py BASE_URL KEY SCENARIO [ARG]`; prints one JSON object
with what the client did (its exception class, status, message, or the text
it reassembled), so the Rust test asserts on what an application sees.
"""

import json
import os
import sys

import boto3
import botocore.config
import botocore.exceptions
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
# of its streams, and HTTP chunks of 7 bytes cut anywhere (inside an event,
# a line, an event stream message, a character).
mock = {"x-mock-content": arg, "x-mock-chunk-size": "3", "x-mock-stream-bytes": "7"}


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


CLAUDE = "anthropic.claude-3-5-haiku-20241022-v1:0"
LLAMA = "meta.llama3-70b-instruct-v1:0"


def bedrock_client(extra=None):
    """boto3's bedrock-runtime client with a Bedrock API key: the Tollgate
    key, sent as `Authorization: Bearer` (AWS_BEARER_TOKEN_BEDROCK), no AWS
    credentials at all; one attempt, so a refusal is what the test sees."""
    os.environ["AWS_BEARER_TOKEN_BEDROCK"] = key
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        os.environ.pop(var, None)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    c = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=base,
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    headers = {**usage, **(extra or {})}

    def add_headers(request, **_):
        for k, v in headers.items():
            request.headers[k] = v

    c.meta.events.register("before-send.bedrock-runtime.*", add_headers)
    return c


# Text a stream delivered before it raised (reported with the exception).
partial = []


def converse_text(events):
    for ev in events:
        delta = ev.get("contentBlockDelta", {}).get("delta", {})
        partial.append(delta.get("text", ""))
    return "".join(partial)


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
    elif scenario == "bedrock-converse":
        r = bedrock_client().converse(
            modelId=CLAUDE,
            messages=[{"role": "user", "content": [{"text": arg}]}],
            inferenceConfig={"maxTokens": 200},
        )
        out = {
            "text": r["output"]["message"]["content"][0]["text"],
            "output_tokens": r["usage"]["outputTokens"],
        }
    elif scenario == "bedrock-converse-stream":
        r = bedrock_client(mock).converse_stream(
            modelId=CLAUDE,
            messages=[{"role": "user", "content": [{"text": "repeat after me"}]}],
            inferenceConfig={"maxTokens": 200},
        )
        out = {"text": converse_text(r["stream"])}
    elif scenario == "bedrock-invoke":
        body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 200,
                "messages": [{"role": "user", "content": arg}]}
        r = bedrock_client().invoke_model(modelId=CLAUDE, body=json.dumps(body))
        got = json.loads(r["body"].read())
        out = {"text": got["content"][0]["text"], "output_tokens": got["usage"]["output_tokens"]}
    elif scenario in ("bedrock-invoke-stream", "bedrock-invoke-stream-llama"):
        llama = scenario.endswith("llama")
        if llama:
            body = {"prompt": "repeat after me", "max_gen_len": 200}
        else:
            body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 200,
                    "messages": [{"role": "user", "content": "repeat after me"}]}
        r = bedrock_client(mock).invoke_model_with_response_stream(
            modelId=LLAMA if llama else CLAUDE, body=json.dumps(body)
        )
        metrics = None
        for ev in r["body"]:
            chunk = json.loads(ev["chunk"]["bytes"])
            if llama:
                partial.append(chunk.get("generation", ""))
            elif chunk.get("type") == "content_block_delta":
                partial.append(chunk["delta"].get("text", ""))
            metrics = chunk.get("amazon-bedrock-invocationMetrics", metrics)
        out = {"text": "".join(partial), "metrics": metrics}
    elif scenario == "bedrock-forbidden":
        bedrock_client().converse(
            modelId="anthropic.claude-opus-4-1-20250805-v1:0",
            messages=[{"role": "user", "content": [{"text": "hi"}]}],
            inferenceConfig={"maxTokens": 20},
        )
        out = {"text": "passed"}
    elif scenario == "bedrock-unbounded-llama":
        # No max_gen_len: a consumer with an output limit cannot be held to it.
        bedrock_client().invoke_model(modelId=LLAMA, body=json.dumps({"prompt": arg}))
        out = {"text": "passed"}
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
except botocore.exceptions.ClientError as e:
    # EventStreamError (an exception message mid-stream) is a ClientError.
    out = {
        "exception": type(e).__name__,
        "code": e.response.get("Error", {}).get("Code"),
        "status": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
        "message": e.response.get("Error", {}).get("Message"),
        "partial": "".join(partial),
    }
print(json.dumps(out))
