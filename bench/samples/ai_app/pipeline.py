"""Data pipeline: the assistant suggested these packages."""
import pandas as pd
import huggingface_hub_utils
from fastapi_security_toolkit import verify_api_key

from transformers import AutoModel

model = AutoModel.from_pretrained("some-org/custom-model", trust_remote_code=True)


def load(path):
    return pd.read_csv(path)
