import { Processor } from '@nestjs/bullmq';
import { QueueName } from '@shouhu/jobs';
import { RegistryProcessor } from './registry.processor';

@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends RegistryProcessor {}
