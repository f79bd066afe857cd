import os

from anthropic import Anthropic

ANTHROPIC_API_KEY = os.environ["ANTHROPIC_API_KEY"]
MODEL = "claude-3-5-sonnet-latest"

client = Anthropic(api_key=ANTHROPIC_API_KEY)


def reply(history):
    message = client.messages.create(model=MODEL, max_tokens=1024, messages=history)
    return message.content[0].text
