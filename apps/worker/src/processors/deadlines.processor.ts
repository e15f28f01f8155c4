import { Processor } from '@nestjs/bullmq';
import { QueueName } from '@shouhu/jobs';
import { RegistryProcessor } from './registry.processor';

@Processor(QueueName.Deadlines, { concurrency: 4 })
export class DeadlinesProcessor extends RegistryProcessor {}
