"""Let the model answer with code and run it — the classic agent shortcut."""
import subprocess

from openai import OpenAI

client = OpenAI()


def solve(task: str) -> str:
    response = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": f"Write Python that does: {task}"}],
    )
    code = response.choices[0].message.content
    namespace = {}
    exec(code, namespace)
    return namespace.get("result", "")


def run_suggested_command(question: str) -> str:
    reply = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": question}],
    )
    command = reply.choices[0].message.content.strip()
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout
