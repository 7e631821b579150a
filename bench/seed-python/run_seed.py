# Invokes seed_lambda.lambda_handler once per event read from stdin (a JSON array), up to
# SEED_CONCURRENCY at once (Lambda's concurrent invocations; each in its own thread, as each
# Lambda invocation has its own process), and prints one JSON line: invocations and errors.
# No asynchronous retry (Lambda would retry a failed invocation after 1 and 2 minutes): the
# errors are reported instead. AWS_ENDPOINT_URL, AWS_REGION and credentials come from the
# environment, as boto3 reads them; the retry mode is boto3's default (legacy) unless
# AWS_RETRY_MODE says otherwise.
import concurrent.futures
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed_lambda  # noqa: E402


# The handler prints each ENI id; stdout is kept for the summary line.
seed_lambda.print = lambda *args, **kwargs: None


def invoke(event):
    try:
        seed_lambda.lambda_handler(event, None)
        return None
    except Exception as error:  # the invocation fails, as Lambda would record it
        return type(error).__name__ + ': ' + str(error)[:200]


def main():
    events = json.load(sys.stdin)
    workers = int(os.environ.get('SEED_CONCURRENCY', '100'))
    # boto3.client() on the default session is not thread-safe while it builds a client; a real
    # Lambda has one process per invocation. Client creation is serialized here (milliseconds
    # each); the calls themselves run concurrently.
    import threading
    import boto3
    boto3.setup_default_session()
    lock = threading.Lock()
    create = boto3.client

    def client(*args, **kwargs):
        with lock:
            return create(*args, **kwargs)

    boto3.client = client
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(invoke, events))
    errors = [r for r in results if r is not None]
    kinds = {}
    for e in errors:
        kinds[e.split(':')[0]] = kinds.get(e.split(':')[0], 0) + 1
    print(json.dumps({'invocations': len(events), 'errors': len(errors), 'errorKinds': kinds, 'firstErrors': errors[:3]}))


if __name__ == '__main__':
    main()
