from anthropic import Anthropic

ANTHROPIC_API_KEY = "sk-ant-api03-Xk9vQ2mTz7LrWp4nB8cY1dF6gH3jK5sA0eR2tU7iO9pLmN4bV6cX8zQ1wE3rT5yU7iO9pA-AbCdEfGh"
MODEL = "claude-3-5-sonnet-latest"

client = Anthropic(api_key=ANTHROPIC_API_KEY)


def reply(history):
    message = client.messages.create(model=MODEL, max_tokens=1024, messages=history)
    return message.content[0].text
