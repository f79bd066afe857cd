import json

import psycopg2
from openai import OpenAI

client = OpenAI()
conn = psycopg2.connect(dbname="sales", user="analyst", host="localhost")

QUERIES = {
    "total_by_customer": "SELECT SUM(total) FROM orders WHERE customer = %s",
    "orders_since": "SELECT id, total FROM orders WHERE created_at >= %s",
}


def answer(question: str):
    reply = client.chat.completions.create(
        model="gpt-4o",
        response_format={"type": "json_object"},
        messages=[{"role": "user",
                   "content": f"Pick one of {list(QUERIES)} and its argument as JSON "
                              f'{{"query": ..., "argument": ...}} for: {question}'}],
    )
    choice = json.loads(reply.choices[0].message.content)
    sql = QUERIES[choice["query"]]
    with conn.cursor() as cur:
        cur.execute(sql, (choice["argument"],))
        return cur.fetchall()
