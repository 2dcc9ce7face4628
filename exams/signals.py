from django.dispatch import Signal

# Sent when an attempt's grade is final (and again if a regrade changes it), with attempt.
# Recruitment listens to move a candidate's application on after a screening exam.
attempt_graded = Signal()
