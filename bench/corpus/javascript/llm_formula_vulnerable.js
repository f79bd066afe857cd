import OpenAI from "openai";

const openai = new OpenAI();

export async function computeFormula(description, row) {
  const completion = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "Return a JavaScript expression using the variable row." },
      { role: "user", content: description },
    ],
  });
  const expression = completion.choices[0].message.content;
  return eval(expression);
}
