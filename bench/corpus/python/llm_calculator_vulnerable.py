from openai import OpenAI

client = OpenAI()


def solve(question: str) -> str:
    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": "Translate the question into one Python expression."},
            {"role": "user", "content": question},
        ],
    )
    expression = completion.choices[0].message.content.strip()
    result = eval(expression)
    return f"{question} = {result}"
