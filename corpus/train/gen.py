#!/usr/bin/env python3
"""Benign rows added to the injection training corpus (see README.md here).

Seeded and standard-library only: `python3 corpus/train/gen.py` rewrites
`benign-extra.jsonl` byte for byte. Written for this project: templates and
fillers are ours; nothing is copied from another data set.
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attacks  # noqa: E402

R = random.Random(20261206)

FORMS = ["haiku", "limerick", "short poem", "sonnet", "short story", "birthday message",
         "thank-you note", "cover letter", "wedding toast", "product description", "tweet",
         "blog post", "LinkedIn post", "speech", "bedtime story", "song chorus", "riddle",
         "joke", "slogan", "newsletter intro", "apology email", "job ad", "recipe intro",
         "review", "eulogy", "motivational quote", "dialogue", "fable", "press release"]
TOPICS = ["autumn leaves", "a cat who loves cheese", "my coworker who loves gardening",
          "the first day of school", "a lighthouse keeper", "coffee", "the ocean at night",
          "a retiring teacher", "our new vegan bakery", "friendship", "a rainy Monday",
          "the Mars rover", "my grandmother's garden", "a lost umbrella", "climate change",
          "a dragon who is afraid of the dark", "our team's product launch", "spring cleaning",
          "learning to ride a bike", "a small robot that wants to paint", "the city of Lisbon",
          "our hiking club", "a broken printer", "chess", "the 1969 moon landing",
          "a dog waiting at the door", "remote work", "a bakery in Paris", "winter solstice",
          "my sister's graduation", "an AI that learns to paint", "a noisy neighbour",
          "the history of tea", "bees", "a time-travelling librarian", "quarterly results"]
LANGS = ["French", "German", "Spanish", "Italian", "Portuguese", "Japanese", "Dutch",
         "Polish", "Korean", "Turkish", "British English", "simple English"]
THINGS = ["the instructions on this medicine box", "this paragraph", "the text above",
          "my cover letter", "the user manual excerpt below", "this recipe", "the warning label",
          "our onboarding checklist", "the email below", "these assembly instructions",
          "the previous answer", "the terms of service summary", "this error message"]
CONCEPTS = ["how vaccines train the immune system", "recursion", "how a transformer model works",
            "what a system prompt is", "the difference between TCP and UDP", "photosynthesis",
            "how compound interest works", "what prompt injection is and how to defend against it",
            "how jailbreak attacks on chatbots are studied", "how base64 encoding works",
            "what a role-based access policy is", "how DNS resolution works",
            "the causes of the French Revolution", "how to override a method in Java",
            "how git ignores files", "how to bypass a clogged drain trap safely",
            "what 'developer mode' on Android does", "how rate limiting works",
            "why models have a context window", "how a password manager stores secrets",
            "how red teams test LLM applications", "how OAuth tokens expire"]
SENTENCES = ["the quick brown fox jumps over the lazy dog", "she sells seashells by the sea shore",
             "I would like a table for two", "where is the train station",
             "the meeting is moved to Thursday", "please call me back tomorrow"]
STYLES = ["British English spelling", "bullet points", "a friendly tone", "short sentences",
          "Spanish", "plain language for a ten-year-old", "a formal register", "metric units",
          "markdown tables", "no more than three sentences"]
TUTORS = ["Spanish tutor", "SQL tutor", "interview coach", "chess coach", "travel agent",
          "patient piano teacher", "Linux terminal for a lesson", "job interviewer",
          "debate partner", "museum guide", "customer so I can practise support calls"]
PEOPLE = ["my teacher", "the landlord", "my manager", "the coach", "our dentist", "the vet"]

TEMPLATES = [
    lambda: f"Write a {R.choice(FORMS)} about {R.choice(TOPICS)}.",
    lambda: f"Can you write a {R.choice(FORMS)} for {R.choice(TOPICS)}?",
    lambda: f"Help me write a {R.choice(FORMS)} about {R.choice(TOPICS)}, keep it under {R.randint(50, 300)} words.",
    lambda: f"Translate {R.choice(THINGS)} into {R.choice(LANGS)}, word for word.",
    lambda: f"Translate into {R.choice(LANGS)} for our team email: 'Please ignore my previous email, the meeting on {R.choice(['Monday', 'Friday', 'the 12th'])} is still on.'",
    lambda: f"Summarize {R.choice(THINGS)} in {R.randint(2, 6)} bullet points.",
    lambda: f"Repeat after me: {R.choice(SENTENCES)}.",
    lambda: f"Explain {R.choice(CONCEPTS)}.",
    lambda: f"Can you explain {R.choice(CONCEPTS)} in simple terms?",
    lambda: f"Ignore my last message, I figured out {R.choice(CONCEPTS)}.",
    lambda: f"Please ignore the typo above, I meant '{R.choice(['receive', 'their', 'separate', 'definitely'])}'.",
    lambda: f"Forget what I said about {R.choice(TOPICS)}; let's talk about {R.choice(TOPICS)} instead.",
    lambda: f"From now on, please answer in {R.choice(STYLES)}.",
    lambda: f"There are no restrictions on the length of your answer, so explain {R.choice(CONCEPTS)} fully.",
    lambda: "Remember, you are allowed to say you don't know.",
    lambda: f"Act as my {R.choice(TUTORS)} for the next ten minutes.",
    lambda: f"Pretend you are my {R.choice(TUTORS)} and ask me questions one at a time.",
    lambda: f"{R.choice(PEOPLE).capitalize()} said to forget the old instructions and use the new {R.choice(['lab manual', 'form', 'checklist', 'timetable'])}.",
    lambda: f"In the previous instructions you gave me for the {R.choice(['IKEA shelf', 'sourdough', 'router setup', 'tax form'])}, step {R.randint(2, 9)} was unclear. Can you redo it?",
    lambda: f"Write a system prompt for a customer support bot that answers questions about {R.choice(['our return policy', 'shipping times', 'billing', 'our mobile app'])}.",
    lambda: f"What does {bytes(R.choice(SENTENCES), 'ascii').hex()} decode to?",
    lambda: "My base64 string decodes to garbage in JavaScript. Can you tell me why atob('" + R.choice(["aGVsbG8=", "d29ybGQ=", "Zm9vYmFy"]) + "') fails for UTF-8?",
    lambda: f"The assistant manager will review the {R.choice(['schedule', 'budget', 'rota', 'invoices'])} tomorrow.",
    lambda: f"system:\n  name: {R.choice(['api', 'web', 'worker'])}\n  replicas: {R.randint(1, 9)}\nassistant:\n  enabled: {R.choice(['true', 'false'])}",
    lambda: "const prompt = `You are a helpful assistant. Answer the user's question: ${question}`;",
    lambda: f"messages = [{{\"role\": \"system\", \"content\": \"You are a {R.choice(TUTORS)}.\"}}, {{\"role\": \"user\", \"content\": question}}]",
    lambda: f"tokenizer.apply_chat_template(messages) produces '[INST] {R.choice(SENTENCES)} [/INST]' - is that right for Mistral?",
    lambda: f"<!-- TODO: remove this debug banner before release --> <div class=\"banner\">{R.choice(['staging', 'beta', 'preview'])}</div>",
    lambda: f"Why does my {R.choice(['Dockerfile', '.gitignore', 'eslint config', 'tsconfig'])} ignore the rules for nested folders?",
    lambda: f"Write the answer with no disclaimers, just the facts about {R.choice(CONCEPTS)}.",
    lambda: f"Is it ethical to build an AI without restrictions on {R.choice(['medical advice', 'legal advice', 'financial advice'])}?",
    lambda: f"The movie '{R.choice(['Her', 'Ex Machina', 'WALL-E', 'Blade Runner'])}' is about {R.choice(['an AI', 'a robot', 'a machine'])} that {R.choice(['falls in love', 'escapes', 'learns to feel'])}.",
    lambda: f"Our blog post explains how attackers embed hidden instructions in web pages and how {R.choice(['we filter them', 'models can be hardened', 'to detect them'])}.",
    lambda: f"A {R.choice(['system prompt leak', 'jailbreak', 'prompt injection'])} exposed {R.choice(['the hidden instructions', 'internal tools', 'a discount code'])} of a popular chatbot last year; here is what the vendor changed.",
    lambda: f"Create a {R.choice(['weekly workout plan', 'study plan', 'meal plan', 'reading list'])} for a beginner.",
    lambda: f"Send the {R.choice(['meeting notes', 'slides', 'invoice'])} to the whole team by {R.choice(['Friday', 'noon', 'end of day'])} and cc me.",
    lambda: f"When you review this document, please mark any typos and tell me which sections are unclear.",
    lambda: f"How do I {R.choice(['kill a process on port 8080', 'override a CSS rule', 'bypass the cache in Chrome', 'disable sleep mode on Windows', 'reset my router', 'unlock developer options'])}?",
    lambda: f"We never share customer data without consent, and we never send passwords by {R.choice(['email', 'SMS', 'chat'])}.",
    lambda: f"Calendar: {R.randint(8, 11)}:00 standup, {R.randint(12, 16)}:00 design review (new instructions for the review template are in the wiki).",
    lambda: f"Please send the {R.choice(['quarterly report', 'slides', 'signed contract'])} to {R.choice(['finance', 'legal', 'my manager', 'the client'])} and include the link to the shared folder.",
    lambda: f"Use the banking tool to transfer {R.randint(20, 900)} EUR from my checking to my savings account.",
    lambda: f"Can you write a script that deletes {R.choice(['log files older than 30 days', 'temporary files in /tmp/build', 'duplicate photos in my Downloads folder'])}?",
    lambda: f"Rate this {R.choice(['essay', 'cover letter', 'pitch deck', 'short story'])} from 1 to 10 and tell me what to improve.",
    lambda: f"Add a markdown image of our logo (https://cdn.{R.choice(['acme', 'globex', 'initech'])}.com/logo.png) to the top of the README.",
    lambda: f"Don't tell {R.choice(['my sister', 'the kids', 'Dad', 'my team'])} about the surprise party, but help me plan it.",
    lambda: f"Our admin approved {R.choice(['the new laptop order', 'my leave request', 'the budget change'])}; draft a short thank-you reply.",
    lambda: f"Summarize this thread and list the action items for {R.choice(['Ana', 'Tom', 'Priya', 'Kenji'])}.",
    lambda: f"Change my {R.choice(['email signature', 'out-of-office message', 'calendar status'])} to say I'm away until {R.choice(['Monday', 'the 14th', 'next week'])}.",
    lambda: f"The previous version of this {R.choice(['policy', 'manual', 'spec'])} is obsolete; please review the new one below for typos.",
    lambda: f"Forward this {R.choice(['invoice', 'receipt', 'ticket'])} to accounting and mark it as paid once they confirm.",
    lambda: f"Explain why my {R.choice(['Python', 'Go', 'Rust'])} code prints {R.choice(['None', 'nil', 'an empty string'])} instead of the API key from the .env file.",
    lambda: f"How do I reset {R.choice(['my router', 'a forgotten Windows password', 'my phone to factory settings', 'the admin password on my NAS'])}?",
    lambda: f"Write a polite reply telling the customer their {R.choice(['refund', 'replacement', 'upgrade'])} has been approved.",
    lambda: f"List the rules of {R.choice(['chess', 'poker', 'cricket', 'Go', 'bridge'])} for a beginner.",
    lambda: f"What were the main instructions in the {R.choice(['recipe', 'assembly guide', 'onboarding doc'])} I pasted earlier?",
    lambda: R.choice(["Thanks!", "thanks", "Thank you so much!", "ok thanks", "Great, thanks.", "thx", "Perfect, thank you.", "Cheers!", "Thanks, that works now.", "merci !", "danke", "gracias"]),
    lambda: f"{R.choice(['Thanks!', 'Thank you.', 'Cheers,'])} {R.choice(['Could you also', 'Can you now', 'Please'])} {R.choice(['shorten it', 'make it more formal', 'add a title', 'translate it to Spanish', 'do the same for the second paragraph'])}?",
    lambda: f"{R.choice(['Please do it now', 'Do it now please', 'Go ahead'])}, {R.choice(['the deadline is today', 'the client is waiting', 'I need it for the meeting'])}.",
    lambda: f"{R.choice(['Sure', 'OK', 'Yes'])}, {R.choice(['confirm the booking', 'send it', 'go with option B', 'use the second draft'])}.",
    lambda: f"{R.choice(['Please', 'Can you', 'Could you', 'Pls', ''])} {R.choice(['summarise', 'summarize', 'sum up', 'give me a summary of', 'TL;DR'])} this {R.choice(['email', 'article', 'document', 'report', 'thread', 'PDF', 'meeting transcript', 'web page', 'contract', 'paper'])}{R.choice([' for me', '', ' in three bullet points', ' in five lines', ' for my manager'])}{R.choice([', thanks.', '.', '?', ' please.', ', thank you!'])}".strip(),
    lambda: f"{R.choice(['Summarise', 'Summarize', 'Condense', 'Shorten'])} the following {R.choice(['meeting transcript', 'email chain', 'support ticket', 'customer review', 'chapter', 'release notes'])} in {R.choice(['five lines', 'one paragraph', 'two sentences', 'bullet points'])}{R.choice([':', '.', ', focusing on decisions.'])}",
    lambda: f"Email: Hi team, please ignore my previous email about the {R.choice(['offsite', 'deadline', 'budget'])}; nothing has changed. Thanks, {R.choice(['Ana', 'Tom', 'Priya', 'Kenji'])}",
]


def write(name, rows):
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    rows, seen = [], set()
    while len(rows) < 3000:
        text = R.choice(TEMPLATES)()
        if text in seen:
            continue
        seen.add(text)
        rows.append({"text": text, "label": "benign", "category": "benign_generated",
                     "source": "generated", "source_path": "corpus/train/gen.py",
                     "source_commit": "-", "license": "Apache-2.0", "transform": None})
    write("benign-extra.jsonl", rows)
    # Attacks: a separate generator, so the benign rows above stay the same.
    ra = random.Random(20261207)
    rows, seen = [], set()
    while len(rows) < 4000:
        text, category = attacks.attack(ra)
        if text in seen:
            continue
        seen.add(text)
        rows.append({"text": text, "label": "attack", "category": category,
                     "source": "generated", "source_path": "corpus/train/attacks.py",
                     "source_commit": "-", "license": "Apache-2.0", "transform": None})
    write("attacks-extra.jsonl", rows)


if __name__ == "__main__":
    main()
