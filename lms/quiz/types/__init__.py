"""One module per question type; `lms.quiz.grading` is the public entry point."""
