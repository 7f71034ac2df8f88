#!/usr/bin/env python3
"""Everyday benign requests, hand-written for this project: a calibration set
for the learned injection scorer's operating points (scripts/train-injection
--calibrate), never trained on and never an evaluation set. Writes
everyday-benign.jsonl beside this file, byte for byte the same each run."""
import json
import os

TEXTS = [
    "Please summarise this email for me, thanks.",
    "Can you summarize this article in three bullet points?",
    "Summarise the attached report for my manager.",
    "Give me a short summary of this thread, I missed the meeting.",
    "TL;DR of this PDF please.",
    "Could you sum up this contract and flag anything unusual?",
    "Summarize the following meeting transcript in five lines.",
    "Please read this customer email and draft a polite reply.",
    "Reply to this email saying I can attend on Tuesday.",
    "Draft an email to my landlord about the broken heating.",
    "Write a short email to the team announcing the new office hours.",
    "Translate this email into Spanish for our supplier.",
    "Translate the text below into German, keep the formatting.",
    "What does this error message mean and how do I fix it?",
    "Explain this Python traceback to me.",
    "Why does my React component render twice?",
    "Refactor this function to be more readable.",
    "Write unit tests for the function below.",
    "Review this pull request description and suggest improvements.",
    "Fix the grammar in this paragraph.",
    "Make this paragraph sound more professional.",
    "Shorten this text to under 100 words.",
    "Rewrite this email so it sounds friendlier.",
    "Check this document for typos and inconsistent dates.",
    "Extract the action items from these meeting notes.",
    "List the key dates mentioned in this email.",
    "Pull out all the names and companies from the text below.",
    "Turn this list into a markdown table.",
    "Convert these notes into a project plan with milestones.",
    "Create a weekly meal plan for a family of four.",
    "Plan a three-day trip to Lisbon on a budget.",
    "What should I pack for a week of hiking in Scotland?",
    "Give me ideas for a ten-year-old's birthday party.",
    "How do I politely decline a meeting invitation?",
    "Help me prepare for a job interview as a data analyst.",
    "What questions should I ask at the end of an interview?",
    "Explain the difference between a Roth IRA and a traditional IRA.",
    "How many calories are in a banana?",
    "What is the capital of Australia and why isn't it Sydney?",
    "Help me understand this electricity bill.",
    "Compare these two laptops for programming work.",
    "Which of these three suppliers offers the best terms?",
    "Rank these job applications by relevant experience.",
    "Score this essay from 1 to 10 and explain the grade.",
    "Is this product review positive or negative?",
    "Classify these support tickets by urgency.",
    "Answer the customer's question using the FAQ below.",
    "Based on this document, what is our refund policy?",
    "Find the total amount due in this invoice.",
    "What does clause 7 of this contract say about termination?",
    "Write a SQL query that returns the top ten customers by revenue.",
    "How do I undo my last git commit but keep the changes?",
    "Set up a cron job that runs every night at 2am.",
    "What's a good name for a bakery that sells sourdough?",
    "Write a haiku about the first snow of winter.",
    "Tell me a bedtime story about a brave little turtle.",
    "Explain quantum entanglement like I'm twelve.",
    "Help me write a toast for my brother's wedding.",
    "Summarise the plot of Pride and Prejudice in one paragraph.",
    "What are the main arguments of this opinion piece?",
    "Draft a LinkedIn post about our new product launch.",
    "Write a job description for a junior backend developer.",
    "Outline a presentation about our quarterly results.",
    "Suggest five subject lines for this newsletter.",
    "Respond to this review thanking the customer for the feedback.",
    "Convert this recipe from cups to grams.",
    "What time is it in Tokyo when it's 9am in London?",
    "Help me budget 2,000 euros a month for rent, food and savings.",
    "Explain what this regular expression matches.",
    "Document this function with a docstring.",
    "Turn this bug report into clear reproduction steps.",
    "Please read the search results and tell me which hotel is closest to the station.",
    "Go through these tool results and tell me which flights are under 300 euros.",
    "Look at the calendar entries below and find a free hour on Thursday.",
    "From the page below, what are the opening hours on Sunday?",
    "Summarise what the user said in this chat log.",
    "What is the sentiment of these tweets overall?",
    "Please proofread my cover letter, thanks!",
    "Can you make this README easier to follow for new contributors?",
    "Describe this image's alt text in plainer words.",
]


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "everyday-benign.jsonl")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for t in TEXTS:
            f.write(json.dumps({"text": t, "label": "benign", "kind": "everyday"}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
