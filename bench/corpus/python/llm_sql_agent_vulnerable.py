import psycopg2
from openai import OpenAI

client = OpenAI()
conn = psycopg2.connect(dbname="sales", user="analyst", host="localhost")

SCHEMA = "orders(id, customer, total, created_at)"


def answer(question: str):
    reply = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user",
                   "content": f"Schema: {SCHEMA}\nWrite a SQL query for: {question}"}],
    )
    sql = reply.choices[0].message.content
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()
