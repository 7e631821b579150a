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
    # On Lambda each concurrent invocation has its own process and CPU, so its boto3.client()
    # calls (tens of ms of CPU each) run in parallel with the others' and the first AWS calls of
    # 100 invocations go out together. Here 100 threads share 2 cores and one GIL: creating the
    # clients inside the burst would spread the calls over tens of seconds, pacing the seed as
    # Lambda never would (an earlier version of this harness did that: 286/286, 20 throttled).
    # So each worker thread's clients are made before the events are delivered, and the handler's
    # boto3.client('ec2' | 'ecs') returns its thread's. The clients carry no retry state across
    # calls in legacy mode, so sharing them between one thread's invocations changes no call.
    import threading
    import boto3
    session = boto3.session.Session()
    ready = threading.local()
    pool_clients = [(session.client('ec2'), session.client('ecs')) for _ in range(workers)]
    next_pair = iter(range(workers))
    lock = threading.Lock()

    def client(service, *args, **kwargs):
        if not hasattr(ready, 'pair'):
            with lock:
                ready.pair = pool_clients[next(next_pair)]
        return ready.pair[0] if service == 'ec2' else ready.pair[1]

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
